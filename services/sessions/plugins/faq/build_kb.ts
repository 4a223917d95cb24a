/**
 * Builds `kb.json` from the bitext data set: per intent, one representative answer (the one
 * with the fewest unfilled slots) and a spread of question variants, never a held-out row.
 * `deno run -A services/sessions/plugins/faq/build_kb.ts [--variants 80]`
 * @module
 */
import type { KbIntent, KnowledgeBase } from "./faq_index.ts";
import { type BitextRow, bitextRows, isHeldOut, rowHash } from "./kb_source.ts";

const KB_PATH = new URL("./kb.json", import.meta.url);
const SLOT = /\{\{([^}]+)\}\}/g;

/** Plain words for the data set's `{{Slot}}` placeholders a generic answer can still say. */
const SLOT_TEXT: Record<string, string> = {
  "Website Name": "website",
  "Online Company Portal Info": "our website",
  "Online Order Interaction": "Order History",
  "Customer Support Hours": "business hours",
  "Customer Support Phone Number": "our customer support number",
  "Customer Support Email": "our support e-mail address",
  "Website URL": "our website",
  "Live Chat Support": "live chat",
};

/** The KB from the non-held-out rows, with up to `variants` questions per intent. */
export function buildKb(rows: BitextRow[], variants: number): KnowledgeBase {
  const byIntent = Map.groupBy(rows.filter((row) => !isHeldOut(row)), (row) => row.intent);
  const intents: KbIntent[] = [...byIntent].sort(([a], [b]) => a.localeCompare(b)).map(
    ([intent, group]) => ({
      intent,
      category: group[0].category,
      answer: fillSlots(representative(group).response),
      questions: spread(group, variants).map((row) => row.instruction),
    }),
  );
  return {
    source: "bitext/customer-support-llm-chatbot-training-dataset (commit 8b6ca3d)",
    licence: "CDLA-Sharing-1.0",
    intents,
  };
}

/** The KB questions of an intent: `count` rows spread over a fixed pseudo-random order. */
export function spread(group: BitextRow[], count: number): BitextRow[] {
  return [...group].sort((a, b) => rowHash(a.id) - rowHash(b.id)).slice(0, count);
}

/**
 * The answer fit for anyone: fewest slots left unfilled, not naming the asker's own order or
 * account, then the length closest to the intent's median (neither curt nor rambling).
 */
function representative(group: BitextRow[]): BitextRow {
  const unfilled = (row: BitextRow) =>
    [...row.response.matchAll(SLOT)].filter(([, name]) => !(name in SLOT_TEXT)).length;
  const personal = (row: BitextRow) =>
    Number(
      /[0-9]{3,}/.test(row.response) || (row.entityValue !== "" &&
        row.response.toLowerCase().includes(row.entityValue.toLowerCase())),
    );
  const lengths = group.map((row) => row.response.length).sort((a, b) => a - b);
  const median = lengths[lengths.length >> 1];
  const distance = (row: BitextRow) => Math.abs(row.response.length - median);
  return [...group].sort((a, b) =>
    unfilled(a) - unfilled(b) || personal(a) - personal(b) || distance(a) - distance(b)
  )[0];
}

function fillSlots(text: string): string {
  return text.replace(SLOT, (slot, name: string) => SLOT_TEXT[name] ?? slot);
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--variants");
  const variants = at >= 0 ? Number(Deno.args[at + 1]) : 80;
  const kb = buildKb(await bitextRows(), variants);
  const json = JSON.stringify(kb, null, 2) + "\n";
  await Deno.writeTextFile(KB_PATH, json);
  const questions = kb.intents.reduce((sum, intent) => sum + intent.questions.length, 0);
  console.log(
    `kb.json: ${kb.intents.length} intents, ${questions} questions, ${json.length} bytes`,
  );
}
