/**
 * The `deno task import` command line, parsed and checked in one place (pure).
 * @module
 */
import { parseArgs } from "node:util";
import { type ColumnMap, parseColumnMap, valueTables } from "./column_map.ts";
import type { SourceFormat } from "./readers.ts";

export interface CliArgs {
  files: string[];
  map?: ColumnMap;
  priorityMap?: string;
  statusMap?: string;
  dataset?: string;
  format?: SourceFormat;
  tenant: string;
  url?: string;
  token?: string;
  dataDir?: string;
  concurrency: number;
  limit?: number;
  dryRun: boolean;
  restart: boolean;
  json: boolean;
  help: boolean;
}

export const USAGE = `Usage: deno task import <file.jsonl|file.csv>... [options]

Known data sets (GitBugs tickets.jsonl, vscode_issues_zh.jsonl) are detected by their fields.
Other files need a column mapping.

  --map subject=COL,body=COL,priority=COL,status=COL,created=COL,id=COL,tags=COL[+COL]
  --priority-map 'P1=urgent,P2=high'   source value=low|normal|high|urgent
  --status-map 'Done=solved'           source value=new|open|pending|on_hold|solved|closed
  --dataset NAME      external ids are NAME:<id> (default: the file name)
  --format csv|jsonl  (default: from the extension)
  --tenant NAME       (default demo; names the checkpoint and a minted dev token)
  --url URL           (default: <data dir>/tickets.url, else http://127.0.0.1:8080)
  --token JWT         (default: $TICKETD_TOKEN, else an admin token from the dev key)
  --data-dir DIR      (default: $TICKETD_DATA_DIR, else data)
  --concurrency N     requests in flight (default 16)
  --limit N           only the first N rows
  --dry-run           map and validate only; print counts and the first mapped rows
  --restart           ignore the checkpoint and start at the first row
  --json              print the summaries as JSON
`;

/** The options in `args`; throws an Error with a readable message on a bad one. */
export function parseCli(args: string[]): CliArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      map: { type: "string" },
      "priority-map": { type: "string" },
      "status-map": { type: "string" },
      dataset: { type: "string" },
      format: { type: "string" },
      tenant: { type: "string", default: "demo" },
      url: { type: "string" },
      token: { type: "string" },
      "data-dir": { type: "string" },
      concurrency: { type: "string", default: "16" },
      limit: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      restart: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (!values.help && positionals.length === 0) throw new Error("Name at least one file");
  if (values.format !== undefined && !["csv", "jsonl"].includes(values.format)) {
    throw new Error(`--format must be csv or jsonl, got "${values.format}"`);
  }
  if (values.dataset !== undefined && !/^[a-z0-9][a-z0-9_.-]{0,63}$/.test(values.dataset)) {
    throw new Error("--dataset must be 1-64 of a-z 0-9 _ . - (it prefixes every external id)");
  }
  valueTables(values["priority-map"], values["status-map"]); // throws on a bad entry
  return {
    files: positionals,
    map: values.map === undefined ? undefined : parseColumnMap(values.map),
    priorityMap: values["priority-map"],
    statusMap: values["status-map"],
    dataset: values.dataset,
    format: values.format as SourceFormat | undefined,
    tenant: values.tenant,
    url: values.url,
    token: values.token,
    dataDir: values["data-dir"],
    concurrency: positiveInt("--concurrency", values.concurrency),
    limit: values.limit === undefined ? undefined : positiveInt("--limit", values.limit),
    dryRun: values["dry-run"],
    restart: values.restart,
    json: values.json,
    help: values.help,
  };
}

function positiveInt(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be an integer >= 1`);
  return value;
}
