/**
 * Reading numbered settings from the environment the same way in every service: unset or empty
 * gives the default, anything else must be an integer in range, or the start fails naming it.
 * @module
 */

/** The whole-number setting reader of `env`; a bad value throws `error(message)`. */
export function intSettings(
  env: Record<string, string | undefined>,
  error: (message: string) => Error,
): (name: string, fallback: number, min?: number, max?: number) => number {
  return (name, fallback, min = 1, max = Number.MAX_SAFE_INTEGER) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
      throw error(`${name} must be an integer ${range}, got "${raw}"`);
    }
    return value;
  };
}
