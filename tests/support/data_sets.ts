/**
 * Where the public data sets live: `TICKETD_DATA_SETS`, else `../shared/data` beside the checkout,
 * else `/work/shared/data`. They are read in place, never copied into the repository.
 * @module
 */

/** The data-set folder (with a trailing slash); throws naming every place it looked. */
export function dataSetsDir(): string {
  const candidates = [
    Deno.env.get("TICKETD_DATA_SETS"),
    new URL("../../../shared/data/", import.meta.url).pathname,
    "/work/shared/data/",
  ].filter((dir): dir is string => Boolean(dir));
  for (const dir of candidates) {
    try {
      if (Deno.statSync(`${dir}/gitbugs_tracker_tickets`).isDirectory) {
        return dir.replace(/\/?$/, "/");
      }
    } catch {
      // try the next place
    }
  }
  throw new Error(`No data sets found; set TICKETD_DATA_SETS (looked in ${candidates.join(", ")})`);
}
