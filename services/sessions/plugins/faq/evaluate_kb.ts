/**
 * How the FAQ bot does on bitext questions it has never seen: for held-out rows (and, to tune
 * the threshold, the training rows left out of the KB), how often the right intent's answer is
 * chosen, a wrong one is, or the bot hands off. A request for a person counts as right when it
 * is handed off. `deno run -A services/sessions/plugins/faq/evaluate_kb.ts`
 * @module
 */
import { faqOutcome, MIN_MARGIN } from "./faq_answer.ts";
import { FaqIndex, type KnowledgeBase } from "./faq_index.ts";
import { type BitextRow, bitextRows, isHeldOut } from "./kb_source.ts";

export interface Tally {
  rows: number;
  right: number;
  wrong: number;
  handedOff: number;
}

/** The outcomes of `rows` against `index` at `minMargin`. */
export function tally(index: FaqIndex, rows: BitextRow[], minMargin: number): Tally {
  const counts = { rows: rows.length, right: 0, wrong: 0, handedOff: 0 };
  for (const row of rows) {
    const outcome = faqOutcome(index, row.instruction, minMargin);
    const asksForPerson = row.intent === "contact_human_agent";
    if (outcome.kind === "handoff") {
      if (asksForPerson && outcome.reason === "customer_asked") counts.right++;
      else counts.handedOff++;
    } else if (outcome.intent === row.intent) counts.right++;
    else counts.wrong++;
  }
  return counts;
}

const percent = (part: number, whole: number) => `${(100 * part / whole).toFixed(1)}%`;
const line = (label: string, t: Tally) =>
  `| ${label} | ${t.rows} | ${percent(t.right, t.rows)} | ${percent(t.wrong, t.rows)} | ${
    percent(t.handedOff, t.rows)
  } |`;

if (import.meta.main) {
  const kb: KnowledgeBase = JSON.parse(
    await Deno.readTextFile(new URL("./kb.json", import.meta.url)),
  );
  const index = new FaqIndex(kb);
  const inKb = new Set(kb.intents.flatMap((intent) => intent.questions));
  const rows = await bitextRows();
  const tuning = rows.filter((row) => !isHeldOut(row) && !inKb.has(row.instruction));
  const heldOut = rows.filter(isHeldOut);
  console.log("| set, minimum lead | rows | right | wrong | handed off (not asked) |");
  console.log("|---|---|---|---|---|");
  for (const threshold of [0, 0.02, 0.05, 0.08, 0.1]) {
    console.log(line(`tuning, ${threshold}`, tally(index, tuning, threshold)));
  }
  console.log(line(`held-out, ${MIN_MARGIN}`, tally(index, heldOut, MIN_MARGIN)));
  const started = performance.now();
  for (const row of heldOut) index.search(row.instruction);
  const perQuery = (performance.now() - started) / heldOut.length;
  console.log(`search: ${perQuery.toFixed(3)} ms per question over ${kb.intents.length} intents`);
}
