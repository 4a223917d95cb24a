/**
 * A small synthetic training set for the classifier tests: three queues with their own words
 * (one of them Chinese), mixed with shared filler, drawn by a seeded PRNG.
 * @module
 */
import type { Example } from "./model.ts";
import { seededRandom } from "./training.ts";

const WORDS: Record<string, string[]> = {
  billing: ["invoice", "refund", "charged twice", "payment", "billing", "receipt"],
  outage: ["crash", "down", "error 500", "cannot log in", "timeout", "broken"],
  crash_zh: ["崩溃", "闪退", "数据丢失", "无法启动", "报错"],
};
const FILLER = ["please", "help", "today", "my account", "hello", "thanks", "urgent", "again"];

/** `perLabel` examples for each of the three labels, reproducible from `seed`. */
export function syntheticExamples(perLabel = 30, seed = 3): Example[] {
  const random = seededRandom(seed);
  const pick = (list: string[]) => list[Math.floor(random() * list.length)];
  const examples: Example[] = [];
  for (let i = 0; i < perLabel; i++) {
    for (const [label, words] of Object.entries(WORDS)) {
      const text = [pick(FILLER), pick(words), pick(FILLER), pick(words)].join(" ");
      examples.push({ text, label });
    }
  }
  return examples;
}
