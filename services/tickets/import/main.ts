/**
 * `deno task import <file>... [options]`: wiring only. Parses the command line, finds the service
 * and a token, imports each file, prints summaries. Ctrl-C stops sending, lets rows in flight
 * finish, saves the checkpoint and exits 130; a second Ctrl-C exits at once.
 * @module
 */
import { loadConfig } from "../config.ts";
import { parseCli, USAGE } from "./cli_args.ts";
import { importFiles } from "./import_file.ts";
import { formatSummary } from "./report.ts";
import { resolveTarget } from "./target.ts";

/** Runs the command line `argv`; resolves to the exit code. */
export async function runImport(argv: string[], env = Deno.env.toObject()): Promise<number> {
  let args;
  try {
    args = parseCli(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) return console.log(USAGE), 0;
  const stopping = new AbortController();
  let firstSigint = 0;
  const onSigint = () => {
    // `deno task` forwards the terminal's SIGINT, so one Ctrl-C arrives twice, a moment apart.
    if (stopping.signal.aborted) {
      if (Date.now() - firstSigint > 1_000) Deno.exit(130);
      return;
    }
    firstSigint = Date.now();
    console.error("\nStopping: waiting for rows in flight (Ctrl-C again to quit at once)");
    stopping.abort();
  };
  Deno.addSignalListener("SIGINT", onSigint);
  try {
    const dataDir = args.dataDir ?? loadConfig(env).dataDir;
    const target = args.dryRun
      ? {}
      : await resolveTarget({ ...args, envToken: env.TICKETD_TOKEN, dataDir });
    const summaries = await importFiles(args.files, {
      ...args,
      ...target,
      dataDir,
      signal: stopping.signal,
      progress: !args.json,
    });
    console.log(
      args.json ? JSON.stringify(summaries, null, 2) : summaries.map(formatSummary).join("\n"),
    );
    const outcomes = summaries.map((s) => s.outcome);
    return outcomes.includes("failed") ? 1 : outcomes.includes("interrupted") ? 130 : 0;
  } catch (error) {
    console.error(`import: ${(error as Error).message}`);
    return 1;
  } finally {
    Deno.removeSignalListener("SIGINT", onSigint);
  }
}

if (import.meta.main) Deno.exit(await runImport(Deno.args));
