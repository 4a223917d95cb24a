/**
 * Reading the public data sets in place (never copied into the repository), found by
 * `shared/runtime/data_sets.ts`.
 * @module
 */
import { banking77Rows, gitbugsPriorityRows, type LabelledRow } from "./data_rows.ts";

export { dataSetsDir, findDataSets } from "@ticketd/shared/runtime/data_sets.ts";

const BANKING77 = "banking77/banking77_train.csv";
const GITBUGS = "gitbugs_tracker_tickets/tickets.jsonl";

/** banking77 train rows labelled with their queue. */
export async function readBanking77(dir: string): Promise<LabelledRow[]> {
  return banking77Rows(await Deno.readTextFile(`${dir}${BANKING77}`));
}

/** gitbugs rows that have a priority, labelled with the Ticketd priority. */
export async function readGitbugsPriority(dir: string): Promise<LabelledRow[]> {
  return gitbugsPriorityRows(await Deno.readTextFile(`${dir}${GITBUGS}`));
}
