/**
 * Where the public data sets live (tests, benchmarks, the routing model trainers read them in
 * place, never copied into the repository): `TICKETD_DATA_SETS`, else `../shared/data` beside the
 * checkout, else `/work/shared/data`.
 * @module
 */

/** The data-set folder (with a trailing slash), or null when none of the places has them. */
export function findDataSets(override = Deno.env.get("TICKETD_DATA_SETS")): string | null {
  for (const dir of candidates(override)) {
    try {
      if (Deno.statSync(`${dir}/gitbugs_tracker_tickets`).isDirectory) {
        return dir.replace(/\/?$/, "/");
      }
    } catch {
      // try the next place
    }
  }
  return null;
}

/** Like {@link findDataSets}, but throws naming every place it looked. */
export function dataSetsDir(override?: string): string {
  const dir = findDataSets(override);
  if (dir !== null) return dir;
  const looked = candidates(override ?? Deno.env.get("TICKETD_DATA_SETS")).join(", ");
  throw new Error(`No data sets found; set TICKETD_DATA_SETS (looked in ${looked})`);
}

function candidates(override: string | undefined): string[] {
  return [
    override,
    new URL("../../../shared/data/", import.meta.url).pathname,
    "/work/shared/data/",
  ].filter((dir): dir is string => Boolean(dir));
}
