/**
 * Real ticket text for the benchmark: English bug tickets (gitbugs: Hadoop, SeaMonkey) and
 * Chinese VS Code issues, cleaned so that every subject and body passes the API's text rules.
 * @module
 */

import { dataSetsDir } from "@ticketd/shared/runtime/data_sets.ts";

export interface CorpusDoc {
  subject: string;
  body: string;
  lang: "en" | "zh";
  project: string;
  /** The API priority the source's priority maps to. */
  priority: "low" | "normal" | "high" | "urgent";
}

const EN_FILE = "gitbugs_tracker_tickets/tickets.jsonl";
const ZH_FILE = "vscode_issues_zh/vscode_issues_zh.jsonl";
const PRIORITY: Record<string, CorpusDoc["priority"]> = {
  "P0-urgent": "urgent",
  "P1-high": "high",
  "P2-medium": "normal",
  "P3-low": "low",
  "P4-lowest": "low",
};
// C0/C1 controls other than tab and line breaks are refused by the API.
// deno-lint-ignore no-control-regex -- removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu;

/** The data folder: `$TICKETD_BENCH_DATA`, else wherever `shared/runtime/data_sets.ts` finds it. */
export function dataDir(): URL {
  return new URL(`file://${dataSetsDir(Deno.env.get("TICKETD_BENCH_DATA"))}`);
}

/** Every usable document of both data sets, English first. */
export async function loadCorpus(): Promise<CorpusDoc[]> {
  const en = (await readJsonl(EN_FILE)).map((row) =>
    doc(row.summary, row.description, "en", row.project, PRIORITY[row.priority_norm] ?? "normal")
  );
  const zh = (await readJsonl(ZH_FILE)).map((row) =>
    doc(row.title, row.body, "zh", "vscode", "normal")
  );
  return [...en, ...zh].filter((d) => d.subject.length > 0 && d.body.length > 0);
}

/** `text` cut to at most `maxChars` code points (never splitting a surrogate pair). */
export function clip(text: string, maxChars: number): string {
  const chars = [...text];
  return chars.length <= maxChars ? text : chars.slice(0, maxChars).join("");
}

function doc(
  subject: unknown,
  body: unknown,
  lang: CorpusDoc["lang"],
  project: string,
  priority: CorpusDoc["priority"],
): CorpusDoc {
  const clean = (v: unknown) => String(v ?? "").replace(CONTROL, " ").toWellFormed().trim();
  const line = clip(clean(subject).replace(/\s+/gu, " "), 200);
  return {
    subject: line,
    body: clean(body).replace(/\r\n?/g, "\n") || line,
    lang,
    project,
    priority,
  };
}

async function readJsonl(file: string): Promise<Record<string, string>[]> {
  const text = await Deno.readTextFile(new URL(file, dataDir()));
  return text.split("\n").filter((line) => line.trim()).map((line) => JSON.parse(line));
}
