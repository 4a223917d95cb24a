/**
 * Train the routing classifiers.
 *   deno run -A services/routing/tools/train.ts bootstrap [--data DIR] [--out DIR]
 *   deno run -A services/routing/tools/train.ts retrain --input rows.jsonl --out tenant.model
 *     [--min-confidence 0.5] [--class-weights none|sqrt|balanced] [--seed N]
 * `retrain` reads one `{"text", "label", "id"?}` per line, reports on a 20% held-out part, then
 * trains on every row and writes the model.
 * @module
 */
import { parseArgs } from "node:util";
import {
  PRIORITY_SETTINGS,
  QUEUE_SETTINGS,
  trainAndMeasure,
  trainSeeded,
} from "../classifier/bootstrap.ts";
import type { LabelledRow } from "../classifier/data_rows.ts";
import { dataSetsDir, readBanking77, readGitbugsPriority } from "../classifier/data_sets.ts";
import { serializeModel } from "../classifier/model_codec.ts";
import { reportMarkdown } from "../classifier/report_markdown.ts";
import type { ClassWeighting } from "../classifier/training.ts";

const MODELS = new URL("../models/", import.meta.url).pathname;

/** Train, measure and write both bootstrap models; returns the Markdown report. */
export async function bootstrap(dataDir: string, outDir: string): Promise<string> {
  const sections: string[] = [];
  const jobs = [
    {
      file: "queue.model",
      name: "Queue (banking77)",
      rows: readBanking77,
      settings: QUEUE_SETTINGS,
    },
    {
      file: "priority.model",
      name: "Priority (gitbugs)",
      rows: readGitbugsPriority,
      settings: PRIORITY_SETTINGS,
    },
  ];
  for (const job of jobs) {
    const { file, report } = await trainAndMeasure(job.name, await job.rows(dataDir), job.settings);
    await Deno.writeFile(`${outDir.replace(/\/?$/, "/")}${job.file}`, file);
    sections.push(reportMarkdown(report));
  }
  return sections.join("\n\n");
}

/** Report on a held-out 20% of a tenant's rows, then train on all of them and write the model. */
export async function retrain(
  input: string,
  out: string,
  options: RetrainOptions,
): Promise<string> {
  const rows = readJsonlRows(await Deno.readTextFile(input));
  const settings = { ...QUEUE_SETTINGS, ...options };
  const { report } = await trainAndMeasure(`Retrained from ${input}`, rows, settings);
  await Deno.writeFile(out, await serializeModel(trainSeeded(rows, settings)));
  return `${reportMarkdown(report)}\n\nWrote ${out} (trained on all ${rows.length} rows)`;
}

export interface RetrainOptions {
  seed: number;
  minConfidence: number;
  classWeights: ClassWeighting;
}

/** One `{text, label, id?}` per line; the id defaults to the text (it only drives the split). */
export function readJsonlRows(jsonl: string): LabelledRow[] {
  return jsonl.split("\n").filter((line) => line.trim() !== "").map((line, i) => {
    const row = JSON.parse(line);
    if (typeof row.text !== "string" || typeof row.label !== "string") {
      throw new Error(`Line ${i + 1}: expected {"text": string, "label": string}`);
    }
    return { id: typeof row.id === "string" ? row.id : row.text, text: row.text, label: row.label };
  });
}

const WEIGHTINGS = ["none", "sqrt", "balanced"];

const USAGE = "usage: train.ts bootstrap [--data DIR] [--out DIR]\n" +
  "       train.ts retrain --input rows.jsonl --out file.model [--min-confidence 0.5] [--class-weights sqrt] [--seed 1]";

async function main(args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parse(args);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    Deno.exit(2);
  }
  const { positionals, values } = parsed;
  if (values.help) return console.log(USAGE);
  if (positionals[0] === "bootstrap") {
    return console.log(await bootstrap(dataSetsDir(values.data), values.out ?? MODELS));
  }
  if (positionals[0] === "retrain" && values.input && values.out) {
    const weighting = values["class-weights"];
    if (!WEIGHTINGS.includes(weighting)) {
      throw new Error(`--class-weights: one of ${WEIGHTINGS.join(", ")}`);
    }
    const options = {
      seed: Number(values.seed),
      minConfidence: Number(values["min-confidence"]),
      classWeights: weighting as ClassWeighting,
    };
    return console.log(await retrain(values.input, values.out, options));
  }
  console.error(USAGE);
  Deno.exit(2);
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      data: { type: "string" },
      out: { type: "string" },
      input: { type: "string" },
      seed: { type: "string", default: "1" },
      "min-confidence": { type: "string", default: "0.5" },
      "class-weights": { type: "string", default: "sqrt" },
      help: { type: "boolean", default: false },
    },
  });
}

if (import.meta.main) await main(Deno.args);
