/**
 * Routing's model guess (queue and priority, as for every new ticket) A/B in one process:
 * `deno run -A bench/guess_ab.ts <revA> <revB> [--rounds N] [--texts N]`. Imports each
 * revision's `services/routing/model_book.ts` from a `git archive` of it (`shared/` comes from
 * this checkout for both) and times `ModelBook.guess` over the same real ticket texts, rounds
 * alternating A B B A, so a busy machine slows both alike. Prints CPU µs per guess and B ÷ A.
 * Both models are asked, as for a ticket of normal priority in a tenant with staffed queues
 * (`--ask priority`: the priority model alone, as for a tenant without).
 * @module
 */
import { cpuUsage } from "node:process";
import { parseArgs } from "node:util";
import { clip, loadCorpus } from "./corpus.ts";
import { exportRevision } from "./revision_tree.ts";

interface Book {
  guess(ticket: unknown, ask: { queue: boolean; priority: boolean }): unknown;
}

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: "string", default: "6" },
    texts: { type: "string", default: "2000" },
    // "priority": only the priority model, as for a tenant without staffed queues (the bench's).
    ask: { type: "string", default: "both" },
  },
});
if (positionals.length !== 2) {
  console.error("usage: deno run -A bench/guess_ab.ts <revA> <revB> [--rounds N] [--texts N]");
  Deno.exit(2);
}
const docs = (await loadCorpus()).slice(0, Number(flags.texts));
// As routing sees a new ticket: subject and body up to the API's usual size.
const tickets = docs.map((d, i) => ({
  tenant: "bench",
  ticketId: String(i),
  subject: clip(d.subject, 200),
  body: clip(d.body, 4_000),
}));
const ask = { queue: flags.ask === "both", priority: true };
const sides: { commit: string; book: Book; us: number[] }[] = [];
const trees = [];
try {
  for (const rev of positionals) {
    const tree = await exportRevision(rev);
    trees.push(tree);
    const { ModelBook } = await import(`${tree.dir}/services/routing/model_book.ts`);
    const book: Book = await ModelBook.open(`${tree.dir}/services/routing/models`, null);
    for (const t of tickets.slice(0, 300)) book.guess(t, ask); // let the JIT settle
    sides.push({ commit: tree.commit, book, us: [] });
  }
  for (let round = 0; round < Number(flags.rounds); round++) {
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      // CPU time, not wall time: on a busy machine the wall clock also counts time not scheduled.
      const started = cpuUsage();
      for (const t of tickets) side.book.guess(t, ask);
      const used = cpuUsage(started);
      side.us.push((used.user + used.system) / tickets.length);
    }
  }
} finally {
  for (const tree of trees) await tree.remove();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const [a, b] = sides;
console.log(
  `| model guess (${flags.ask}), CPU µs per ticket | A ${a.commit} | B ${b.commit} | B ÷ A |`,
);
console.log("|---|---|---|---|");
console.log(
  `| median of ${a.us.length} rounds over ${tickets.length} texts | ${median(a.us).toFixed(0)} | ` +
    `${median(b.us).toFixed(0)} | ${(median(b.us) / median(a.us)).toFixed(2)} |`,
);
console.log(`rounds A: ${a.us.map((x) => x.toFixed(0)).join(", ")}`);
console.log(`rounds B: ${b.us.map((x) => x.toFixed(0)).join(", ")}`);
