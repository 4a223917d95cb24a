/**
 * Reading settings from the environment the same way in every service: unset or empty gives
 * the default; a number must be an integer in range, or the start fails naming it.
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

/** Reads a text setting: its value, or (unset or empty) `fallback`, or undefined without one. */
export interface TextSettings {
  (name: string): string | undefined;
  (name: string, fallback: string): string;
}

/**
 * The text setting reader of `env`. An empty value counts as unset, because `NAME=` in an env
 * file or a Compose file is how people clear a setting, not how they ask for "".
 */
export function textSettings(env: Record<string, string | undefined>): TextSettings {
  return ((name: string, fallback?: string) => {
    const raw = env[name];
    return raw === undefined || raw === "" ? fallback : raw;
  }) as TextSettings;
}
