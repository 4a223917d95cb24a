/**
 * The agents' note on the files of a mail that did not become attachments (a type not allowed,
 * too big, or the attachments service away): they are still inside the kept raw mail, and the
 * note says so, so nobody looks among the ticket's attachments for a file that is not there.
 * The files that were accepted need no list: they are the ticket's attachments, under the safe
 * names the attachments service stored them by.
 * @module
 */

/** A file of the mail that is not among the ticket's attachments, and why (an error code). */
export interface RefusedFile {
  fileName: string;
  mime: string;
  size: number;
  reason: string;
}

const NOT_ACCEPTED = "not accepted: kept in the original mail";

/** The internal note listing `files` (which must not be empty). */
export function refusedFilesNote(files: readonly RefusedFile[]): string {
  const lines = files.map((file) =>
    `- ${oneLine(file.fileName)} (${file.mime}, ${file.size} bytes): ${NOT_ACCEPTED} ` +
    `(${file.reason})`
  );
  return `[Files of this mail not among the ticket's attachments]\n${lines.join("\n")}`;
}

/** A name as the mail gave it (it names no stored file), on one line. */
function oneLine(name: string): string {
  return name.replace(/[\r\n\u2028\u2029\t]+/gu, " ").trim() || "(no name)";
}
