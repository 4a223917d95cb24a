/**
 * The bitext customer-support rows the knowledge base is built from and evaluated on, and the
 * fixed split: a row is held out for evaluation (never in the KB) when the FNV-1a hash of its id
 * falls in the last fifth. Used by the tools only, never by the bot.
 * @module
 */
import { parseCsv } from "../../../routing/classifier/data_rows.ts";
import { dataSetsDir } from "@ticketd/shared/runtime/data_sets.ts";

export interface BitextRow {
  id: string;
  instruction: string;
  category: string;
  intent: string;
  response: string;
  /** The one tagged slot of the instruction (an order number, an account type), or "". */
  entityValue: string;
}

/** Every row of `bitext_customer_support.csv` from the data-set folder. */
export async function bitextRows(dataSets = dataSetsDir()): Promise<BitextRow[]> {
  const path = `${dataSets}bitext_customer_support/bitext_customer_support.csv`;
  const [header, ...records] = parseCsv(await Deno.readTextFile(path));
  const at = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`${path}: no column "${name}"`);
    return index;
  };
  const columns = ["id", "instruction", "category", "intent", "response", "entity_value"].map(at);
  return records.filter((record) => record.length === header.length).map((record) => {
    const [id, instruction, category, intent, response, entityValue] = columns.map((i) =>
      record[i]
    );
    return { id, instruction, category, intent, response, entityValue };
  });
}

/** The stable hash the split and the variant choice use. */
export function rowHash(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** Whether a row is kept out of the KB for evaluation (one in five). */
export function isHeldOut(row: BitextRow): boolean {
  return rowHash(row.id) % 5 === 4;
}
