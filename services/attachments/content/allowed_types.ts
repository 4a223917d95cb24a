/**
 * Which sniffed types an attachment may have: a named setting listing kinds (`image`, `text`) or
 * exact types (`application/pdf`). Executables pass only when named by their exact type.
 * @module
 */
import { fail } from "@ticketd/shared/errors.ts";
import { type ContentKind, EXECUTABLE_MIME, type SniffedType } from "./sniff.ts";

/** Kinds or exact mime types (without parameters). */
export type AllowedTypes = readonly string[];

const KINDS: readonly ContentKind[] = [
  "image",
  "pdf",
  "office",
  "archive",
  "text",
  "media",
  "unknown",
];

/** The default of `TICKETD_ATTACHMENTS_ALLOWED_TYPES`: everything but unknown binaries. */
export const DEFAULT_ALLOWED_TYPES: AllowedTypes = [
  "image",
  "pdf",
  "office",
  "archive",
  "text",
  "media",
];

/** `sniffed` when `allowList` admits it; else 415 `type_not_allowed` naming the type. */
export function allowedType(sniffed: SniffedType, allowList: AllowedTypes): SniffedType {
  const mime = sniffed.mime.split(";")[0].trim();
  const byMime = allowList.includes(mime);
  const byKind = allowList.includes(sniffed.kind) && mime !== EXECUTABLE_MIME;
  if (byMime || byKind) return sniffed;
  const what = mime === EXECUTABLE_MIME ? "an executable" : `of type ${mime}`;
  fail(
    "type_not_allowed",
    `This file is ${what} (read from its bytes), which is not allowed`,
    415,
    {
      detectedType: mime,
      kind: sniffed.kind,
    },
  );
}

/** Reads the setting: comma-separated kinds and types; empty means the default. */
export function parseAllowedTypes(text: string | undefined): AllowedTypes {
  const items = (text ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (items.length === 0) return DEFAULT_ALLOWED_TYPES;
  for (const item of items) {
    if (!KINDS.includes(item as ContentKind) && !/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(item)) {
      throw new Error(`"${item}" in the allowed attachment types is neither a kind nor a type`);
    }
  }
  return items;
}
