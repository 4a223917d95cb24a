/**
 * Mappings for any CSV or JSONL file, from `--map subject=title,body=text,...` and optional
 * `--priority-map` / `--status-map` tables over the default ones.
 * @module
 */
import { PRIORITIES, TICKET_STATUSES } from "@ticketd/shared/events/tickets.ts";
import { buildRequest, type Mapping, requester, type ValueTables } from "./request.ts";
import {
  DEFAULT_PRIORITIES,
  DEFAULT_STATUSES,
  labelList,
  parseValueTable,
  textOf,
} from "./values.ts";

export const MAP_FIELDS = [
  "subject",
  "body",
  "priority",
  "status",
  "created",
  "id",
  "tags",
] as const;
export type MapField = (typeof MAP_FIELDS)[number];

/** Source column per request field; `tags` may join several columns (`tags=labels+project`). */
export type ColumnMap = Partial<Record<Exclude<MapField, "tags">, string>> & { tags?: string[] };

/** Parses a `--map` value; throws a readable error on an unknown field or a missing text column. */
export function parseColumnMap(spec: string): ColumnMap {
  const map: ColumnMap = {};
  for (const pair of spec.split(",").filter((p) => p.trim() !== "")) {
    const at = pair.indexOf("=");
    const field = pair.slice(0, at).trim() as MapField;
    const column = pair.slice(at + 1).trim();
    if (at < 0 || !MAP_FIELDS.includes(field) || column === "") {
      throw new Error(
        `--map: "${pair}" must be field=column, field one of ${MAP_FIELDS.join(", ")}`,
      );
    }
    if (field === "tags") map.tags = column.split("+").map((c) => c.trim()).filter(Boolean);
    else map[field] = column;
  }
  if (!map.subject && !map.body) throw new Error("--map needs at least subject= or body=");
  return map;
}

/** The columns `map` names that `record` (the first row) lacks. */
export function missingColumns(map: ColumnMap, record: Record<string, unknown>): string[] {
  const columns = [...Object.entries(map).flatMap(([, c]) => c)];
  return columns.filter((c) => !Object.hasOwn(record, c));
}

/** A data set name from a file name: `exports/Help Desk.csv` -> `help-desk`. */
export function datasetName(path: string): string {
  const base = path.split(/[\\/]/).pop()!.replace(/\.[^.]*$/, "");
  const name = base.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "");
  return name.slice(0, 64) || "import";
}

/** The default tables with `--priority-map` / `--status-map` entries taking precedence. */
export function valueTables(priorityMap = "", statusMap = ""): ValueTables {
  return {
    priorities: {
      ...DEFAULT_PRIORITIES,
      ...parseValueTable(priorityMap, PRIORITIES, "priority"),
    },
    statuses: { ...DEFAULT_STATUSES, ...parseValueTable(statusMap, TICKET_STATUSES, "status") },
  };
}

/** A mapping that reads the columns in `map`; without an id column, rows are keyed by number. */
export function columnMapping(dataset: string, map: ColumnMap, tables = valueTables()): Mapping {
  const column = (record: Record<string, unknown>, name?: string) =>
    name === undefined ? "" : textOf(record[name]);
  return {
    dataset,
    map(record, index, limits) {
      return buildRequest(
        dataset,
        {
          id: map.id ? column(record, map.id) : `row-${index + 1}`,
          subject: column(record, map.subject),
          body: column(record, map.body),
          priority: column(record, map.priority),
          status: column(record, map.status),
          created: map.created ? record[map.created] : undefined,
          tags: (map.tags ?? []).flatMap((name) => labelList(record[name])),
          requester: requester(dataset),
        },
        limits,
        tables,
      );
    },
  };
}
