/**
 * Finding and reading the public data sets in place (never copied into the repository):
 * `TICKETD_DATA_SETS`, else `../shared/data` beside the checkout, else `/work/shared/data`.
 * @module
 */
import { banking77Rows, gitbugsPriorityRows, type LabelledRow } from "./data_rows.ts";

const BANKING77 = "banking77/banking77_train.csv";
const GITBUGS = "gitbugs_tracker_tickets/tickets.jsonl";

/** The data-set folder (trailing slash), or null when none of the places has banking77. */
export function findDataSets(override = Deno.env.get("TICKETD_DATA_SETS")): string | null {
  const candidates = [
    override,
    new URL("../../../../shared/data/", import.meta.url).pathname,
    "/work/shared/data/",
  ].filter((dir): dir is string => Boolean(dir));
  for (const dir of candidates) {
    try {
      if (Deno.statSync(`${dir}/${BANKING77}`).isFile) return dir.replace(/\/?$/, "/");
    } catch {
      // try the next place
    }
  }
  return null;
}

/** Like {@link findDataSets} but throws, naming where to point it. */
export function dataSetsDir(override?: string): string {
  const dir = findDataSets(override);
  if (dir === null) throw new Error("No data sets found; set TICKETD_DATA_SETS or pass --data");
  return dir;
}

/** banking77 train rows labelled with their queue. */
export async function readBanking77(dir: string): Promise<LabelledRow[]> {
  return banking77Rows(await Deno.readTextFile(`${dir}${BANKING77}`));
}

/** gitbugs rows that have a priority, labelled with the Ticketd priority. */
export async function readGitbugsPriority(dir: string): Promise<LabelledRow[]> {
  return gitbugsPriorityRows(await Deno.readTextFile(`${dir}${GITBUGS}`));
}
