/**
 * Source rows to `POST /v1/tickets` requests for the known data sets, pure: GitBugs tracker
 * tickets and the Chinese VS Code issues, recognised by their fields. Anything else needs a
 * column map (`column_map.ts`).
 * @module
 */
import {
  buildRequest,
  DEFAULT_TABLES,
  type Mapping,
  requester,
  type ValueTables,
} from "./request.ts";
import { labelList, textOf } from "./values.ts";

/** GitBugs (`gitbugs_tracker_tickets/tickets.jsonl`): Hadoop JIRA and SeaMonkey Bugzilla. */
export function gitbugsMapping(
  tables = DEFAULT_TABLES,
  dataset = "gitbugs_tracker_tickets",
): Mapping {
  return {
    dataset,
    map(record, _index, limits) {
      const project = textOf(record.project);
      return buildRequest(
        dataset,
        {
          id: textOf(record.id),
          subject: textOf(record.summary),
          body: textOf(record.description),
          priority: textOf(record.priority_norm),
          status: textOf(record.status),
          created: record.created, // Hadoop's have no zone: UTC, as isoTime reads them
          tags: project ? [project] : [],
          requester: requester(project || "gitbugs"),
        },
        limits,
        tables,
      );
    },
  };
}

/** VS Code issues in Chinese (`vscode_issues_zh/vscode_issues_zh.jsonl`). */
export function vscodeIssuesZhMapping(
  tables = DEFAULT_TABLES,
  dataset = "vscode_issues_zh",
): Mapping {
  return {
    dataset,
    map(record, _index, limits) {
      return buildRequest(
        dataset,
        {
          id: textOf(record.id),
          subject: textOf(record.title),
          body: textOf(record.body),
          priority: "",
          status: textOf(record.state),
          created: record.created_at,
          tags: labelList(record.labels),
          requester: requester("vscode"),
        },
        limits,
        tables,
      );
    },
  };
}

const KNOWN: [(tables?: ValueTables, dataset?: string) => Mapping, string[]][] = [
  [gitbugsMapping, [
    "id",
    "project",
    "summary",
    "description",
    "status",
    "priority_norm",
    "created",
  ]],
  [vscodeIssuesZhMapping, ["id", "title", "body", "labels", "state", "created_at"]],
];

/** The known mapping whose fields `record` has, if any. */
export function detectMapping(
  record: Record<string, unknown>,
  tables?: ValueTables,
  dataset?: string,
): Mapping | undefined {
  const known = KNOWN.find(([, fields]) => fields.every((f) => Object.hasOwn(record, f)));
  return known?.[0](tables, dataset);
}
