/**
 * The bootstrap data sets as labelled rows: banking77 queues (`queue_derived`) and gitbugs
 * priorities mapped onto Ticketd's. Parsing only; reading the files is `data_sets.ts`.
 * @module
 */
import type { Priority } from "@ticketd/shared/events/tickets.ts";
import type { Example } from "./model.ts";

/** An example with the stable id of its source row (the held-out split hashes it). */
export interface LabelledRow extends Example {
  id: string;
}

/** RFC 4180 records: quoted fields with `""` escapes and line breaks inside, LF or CRLF ends. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[i + 1] === '"') field += text[++i];
      else quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === ",") fields.push(field), field = "";
    else if (char === "\n") {
      fields.push(field.endsWith("\r") ? field.slice(0, -1) : field);
      records.push(fields), fields = [], field = "";
    } else field += char;
  }
  if (field !== "" || fields.length > 0) records.push([...fields, field]);
  return records;
}

/** banking77 rows: text -> `queue_derived`, by header name. */
export function banking77Rows(csv: string): LabelledRow[] {
  const [header, ...records] = parseCsv(csv);
  const column = (name: string) => {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`banking77: no column "${name}" in ${header.join(",")}`);
    return at;
  };
  const [id, text, label] = [column("id"), column("text"), column("queue_derived")];
  return records
    .filter((record) => record.length > label && record[label] !== "")
    .map((record) => ({ id: record[id], text: record[text], label: record[label] }));
}

const PRIORITY_BY_NORM: Readonly<Record<string, Priority>> = {
  "P0-urgent": "urgent",
  "P1-high": "high",
  "P2-medium": "normal",
  "P3-low": "low",
  "P4-lowest": "low",
};

/** gitbugs `priority_norm` as a Ticketd priority; null when unset or unknown. */
export function ticketdPriority(priorityNorm: string): Priority | null {
  return PRIORITY_BY_NORM[priorityNorm] ?? null;
}

interface GitbugsTicket {
  id: string;
  summary?: string;
  description?: string;
  priority_norm?: string;
}

/** gitbugs rows with a priority: summary + description -> Ticketd priority. */
export function gitbugsPriorityRows(jsonl: string): LabelledRow[] {
  const rows: LabelledRow[] = [];
  for (const line of jsonl.split("\n")) {
    if (line.trim() === "") continue;
    const ticket = JSON.parse(line) as GitbugsTicket;
    const label = ticketdPriority(ticket.priority_norm ?? "");
    if (label === null) continue;
    rows.push({
      id: ticket.id,
      text: `${ticket.summary ?? ""}\n${ticket.description ?? ""}`,
      label,
    });
  }
  return rows;
}
