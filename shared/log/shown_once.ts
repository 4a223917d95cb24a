/**
 * Secrets shown once to the person who starts Ticketd: the first admin's password, the dev
 * admin token. Never a log line. They go to stderr (the terminal of `deno task start`), or,
 * when `TICKETD_SHOWN_ONCE_FILE` names a file, are appended to it with mode 0600: the native
 * stack names one, because its services' stderr goes into their log files, and prints what
 * arrives in it on its own terminal (deploy/stack/shown_once_tail.ts).
 * @module
 */

/** Where a secret for a person goes: `file` (made 0600) when given, else stderr. */
export function shownOnce(file: string | undefined): (text: string) => void {
  if (!file) return (text) => console.error(text);
  return (text) => {
    // Synchronous: it happens once per start, and the line must be there before the service is.
    Deno.writeTextFileSync(file, text.endsWith("\n") ? text : `${text}\n`, {
      append: true,
      mode: 0o600,
    });
    Deno.chmodSync(file, 0o600); // mode only applies to a new file
  };
}
