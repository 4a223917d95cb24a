/**
 * The request every mapping produces, and the one function that builds it from source values:
 * cleaned text and tags, translated priority and status, ISO time, `<dataset>:<id>`. Pure.
 * @module
 */
import { createHash } from "node:crypto";
import type { Priority, TicketStatus } from "@ticketd/shared/events/tickets.ts";
import { cleanBody, cleanSubject, cleanTags } from "./clean.ts";
import {
  DEFAULT_PRIORITIES,
  DEFAULT_STATUSES,
  isoTime,
  lookup,
  textOf,
  type ValueTable,
} from "./values.ts";

/** The body of one `POST /v1/tickets`. */
export interface CreateTicketRequest {
  subject: string;
  body: string;
  priority: Priority;
  tags: string[];
  requesterId: string;
  status: TicketStatus;
  externalId: string;
  createdAt?: string;
}

/** The limits a request must keep (the service's configured ones). */
export interface MappingLimits {
  maxSubjectChars: number;
  maxBodyChars: number;
  maxTags: number;
}

/** A mapped row and what mapping had to change (`subject_truncated`, `priority_unknown`, ...). */
export interface MappedRow {
  id: string;
  request: CreateTicketRequest;
  changes: string[];
}

/** How one data set's rows become requests. `map` throws {@link MappingError}. */
export interface Mapping {
  /** Prefix of every external id: `<dataset>:<source id>`. */
  dataset: string;
  map(record: Record<string, unknown>, index: number, limits: MappingLimits): MappedRow;
}

/** A row that cannot become a request at all (no id, say). */
export class MappingError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "MappingError";
  }
}

/** Source values before cleaning; the shape every mapping reduces a row to. */
export interface SourceTicket {
  id: string;
  subject: string;
  body: string;
  priority: string;
  status: string;
  created: unknown;
  tags: string[];
  requester: string;
}

/** The tables a mapping translates priority and status through. */
export interface ValueTables {
  priorities: ValueTable<Priority>;
  statuses: ValueTable<TicketStatus>;
}

export const DEFAULT_TABLES: ValueTables = {
  priorities: DEFAULT_PRIORITIES,
  statuses: DEFAULT_STATUSES,
};

/** The request for `source`: cleaned text and tags, translated values, `<dataset>:<id>`. */
export function buildRequest(
  dataset: string,
  source: SourceTicket,
  limits: MappingLimits,
  tables: ValueTables = DEFAULT_TABLES,
): MappedRow {
  if (source.id.trim() === "") throw new MappingError("missing_id", "The row has no id");
  const body = cleanBody(source.body, limits.maxBodyChars);
  const subject = cleanSubject(source.subject, body.value, limits.maxSubjectChars);
  const tags = cleanTags(source.tags, limits.maxTags);
  const priority = lookup(tables.priorities, source.priority, "normal");
  const status = lookup(tables.statuses, source.status, "new");
  const createdAt = isoTime(source.created);
  const changes = [...subject.changes, ...body.changes, ...tags.changes];
  if (priority.unknown) changes.push("priority_unknown");
  if (status.unknown) changes.push("status_unknown");
  if (createdAt === null && textOf(source.created) !== "") changes.push("created_unreadable");
  const request: CreateTicketRequest = {
    subject: subject.value,
    body: body.value,
    priority: priority.value,
    tags: tags.value,
    requesterId: source.requester,
    status: status.value,
    externalId: externalId(dataset, source.id.trim(), changes),
  };
  if (createdAt !== null) request.createdAt = createdAt;
  return { id: source.id, request, changes };
}

const MAX_EXTERNAL_ID = 256;

/** `<dataset>:<id>`; an id too long for the API is replaced by its SHA-256, still stable. */
function externalId(dataset: string, id: string, changes: string[]): string {
  const plain = `${dataset}:${id}`;
  if (plain.length <= MAX_EXTERNAL_ID) return plain;
  changes.push("external_id_hashed");
  return `${dataset}:sha256:${createHash("sha256").update(id).digest("hex")}`;
}

/** `import:<name>`, reduced to the characters a principal id may have. */
export function requester(name: string): string {
  const plain = name.normalize("NFC").replace(/[^\p{L}\p{N}_.@:+-]+/gu, "-");
  return `import:${[...plain].slice(0, 120).join("") || "unknown"}`;
}
