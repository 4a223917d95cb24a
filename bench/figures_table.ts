/**
 * The standalone benches (`deno run -A bench/crypto_bench.ts`, `bench/token_bench.ts`) print
 * their figures the same way: a plain table, units read off each key's suffix.
 * @module
 */

/** A table of `results`; `units` maps a key suffix (`_mbps`) to the unit it stands for. */
export function renderFigures(
  results: Record<string, number>,
  units: Record<string, string>,
): string {
  const rows: string[][] = [["measurement", "value", "unit"]];
  for (const [key, value] of Object.entries(results)) {
    const suffix = Object.keys(units).find((s) => key.endsWith(s));
    const name = suffix ? key.slice(0, -suffix.length) : key;
    rows.push([
      name,
      value >= 100 ? value.toFixed(0) : value.toFixed(2),
      suffix ? units[suffix] : "",
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) =>
    row.map((cell, c) => c === 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])).join("  ")
  ).join("\n");
}

/** Runs `bench` and prints its figures with how long it took. */
export async function printFigures(
  bench: () => Promise<Record<string, number>>,
  units: Record<string, string>,
): Promise<void> {
  const started = performance.now();
  console.log(renderFigures(await bench(), units));
  console.log(
    `(${((performance.now() - started) / 1000).toFixed(1)} s, Deno ${Deno.version.deno})`,
  );
}
