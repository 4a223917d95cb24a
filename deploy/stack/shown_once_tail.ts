/**
 * The stack's side of shared/log/shown_once.ts: its services append the secrets a person is
 * shown once (the first admin's password, the dev admin token) to `<dataDir>/shown-once.txt`
 * (0600) instead of their stderr, which goes into their log files; the stack prints what
 * arrives there on its own terminal, as it arrives.
 * @module
 */
import { join } from "node:path";

export const SHOWN_ONCE_FILE = "shown-once.txt";
const POLL_MS = 200;

export interface ShownOnceTail {
  /** The file the services are told of (`TICKETD_SHOWN_ONCE_FILE`). */
  path: string;
  /** Prints what is still unread, then stops watching. */
  stop(): Promise<void>;
}

/** Makes the file (0600) and prints on `print` whatever is appended to it from now on. */
export async function tailShownOnce(
  dataDir: string,
  print: (text: string) => void = (text) => console.error(text),
): Promise<ShownOnceTail> {
  const path = join(dataDir, SHOWN_ONCE_FILE);
  await Deno.writeTextFile(path, "", { append: true, mode: 0o600 });
  await Deno.chmod(path, 0o600);
  let offset = (await Deno.stat(path)).size; // earlier starts' secrets were shown then
  let reading = Promise.resolve();
  const readNew = () =>
    reading = reading.then(async () => {
      const bytes = await Deno.readFile(path).catch(() => new Uint8Array());
      if (bytes.length <= offset) return;
      const fresh = new TextDecoder().decode(bytes.subarray(offset));
      offset = bytes.length;
      print(fresh.replace(/\n$/, ""));
    });
  const timer = setInterval(readNew, POLL_MS);
  return {
    path,
    stop: async () => {
      clearInterval(timer);
      await readNew();
    },
  };
}
