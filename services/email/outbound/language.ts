/**
 * The language of a ticket's mail (pure): the ticket's hint (custom field or `lang:` tag), else
 * Chinese when the subject is written in Han characters without kana, else the tenant default.
 * @module
 */

export const LANGUAGES = ["en", "zh"] as const;
export type Language = (typeof LANGUAGES)[number];

const HAN = /\p{Script=Han}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** Picks a supported language for a mail. */
export function mailLanguage(
  hint: string | null,
  subject: string,
  tenantDefault: Language,
): Language {
  const hinted = supported(hint);
  if (hinted) return hinted;
  if (HAN.test(subject) && !KANA.test(subject)) return "zh";
  return tenantDefault;
}

/** `zh-CN`, `zh_hans`, `ZH` -> "zh"; `en-GB` -> "en"; anything else null. */
export function supported(tag: string | null): Language | null {
  const primary = tag?.toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((l) => l === primary) ?? null;
}
