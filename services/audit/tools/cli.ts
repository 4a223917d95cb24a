/**
 * How the audit commands fail: one line on stderr saying what is wrong and what to do, never a
 * stack trace. A bad argument ({@link usage}) exits 2 after the usage line; a refusal found
 * while working ({@link ToolError}, or any other error) exits 1.
 * @module
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

/** A failure the command explains itself; `exitCode` 2 for usage errors. */
export class ToolError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "ToolError";
  }
}

/** A command's name and its usage line. */
export interface Tool {
  name: string;
  usage: string;
}

/** Throws the usage error for `message`. */
export function usage(message: string): never {
  throw new ToolError(message, 2);
}

/** The flags of `Deno.args` (unknown flags, stray words and missing values are usage errors). */
export function toolArgs<T extends ParseArgsOptionsConfig>(options: T) {
  try {
    return parseArgs({ args: Deno.args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    usage(oneLine(error));
  }
}

/** Runs `main` (its result is the exit code) and turns any failure into one line and a code. */
export async function runTool(tool: Tool, main: () => Promise<number>): Promise<never> {
  let code: number;
  try {
    code = await main();
  } catch (error) {
    code = error instanceof ToolError ? error.exitCode : 1;
    console.error(`${tool.name}: ${oneLine(error)}`);
    if (code === 2) console.error(`usage: ${tool.usage}`);
  }
  Deno.exit(code);
}

/** The last progress line written where stderr is not a terminal. */
let lastProgress = "";

/**
 * Progress on stderr (stdout keeps the report). On a terminal, one line rewritten in place (a
 * carriage return, no newline; "" clears it). Elsewhere (a file, a pipe, CI) each new text is a
 * line of its own and a repeated text is not written again: callers keep the text coarse (a
 * step, a percent, whole MB) so such a log stays short.
 */
export function progressLine(text: string): void {
  if (Deno.stderr.isTerminal()) {
    Deno.stderr.writeSync(new TextEncoder().encode(`\r${text}`));
    return;
  }
  const line = text.trimEnd();
  if (line === "" || line === lastProgress) return;
  lastProgress = line;
  Deno.stderr.writeSync(new TextEncoder().encode(`${line}\n`));
}

/** `error`'s message on one line. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.split("\n").map((line) => line.trim()).filter(Boolean).join(" ");
}

/** The public keys file read, or a clear refusal naming it and what to do. */
export async function readKeysFile<T>(path: string, read: (path: string) => Promise<T>) {
  try {
    return await read(path);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound ? "does not exist" : oneLine(error);
    throw new ToolError(
      `cannot read the audit keys file ${path} (${why}): pass --keys <file> or set TICKETD_AUDIT_KEYS_FILE`,
    );
  }
}
