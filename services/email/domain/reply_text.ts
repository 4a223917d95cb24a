/**
 * A reply's new words without the history its mail client quoted below them, so a ticket does
 * not repeat the whole conversation at every message. The cut is at the first attribution line
 * ("On ... wrote:", "在 ... 写道：", Outlook's "-----Original Message-----" or the rule above its
 * "From:" block) or at a trailing block of `>` lines. Nothing is lost: the whole mail is kept raw.
 * @module
 */

const ATTRIBUTION = [
  /^On .{1,300}wrote:\s*$/,
  /^在.{1,300}写道[：:]\s*$/,
  /^-{2,}\s*(Original Message|原始邮件)\s*-{2,}\s*$/i,
  /^_{10,}\s*$/, // Outlook's rule above its From:/Sent: block (a bare "From:" may be the customer's)
];

/** `text` up to the quoted history; the whole text when nothing new would be left. */
export function replyWithoutHistory(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let end = lines.findIndex((line, i) =>
    i > 0 && ATTRIBUTION.some((pattern) => pattern.test(line.trim()))
  );
  if (end < 0) end = lines.length;
  // A trailing run of quoted lines (and blank lines among them) is history too.
  while (end > 0 && (/^\s*>/.test(lines[end - 1]) || lines[end - 1].trim() === "")) end--;
  const kept = lines.slice(0, end).join("\n").trim();
  return kept === "" ? text : kept;
}
