/**
 * Renders a mail from its template (pure): placeholders filled as they are in the subject and the
 * text part, escaped (and line breaks kept) in the HTML part. A placeholder a template does not
 * know is a bug in the template, so it throws rather than sending `{{typo}}` to a customer.
 * @module
 */
import type { Language } from "./language.ts";
import type { MailKind } from "./mail_plan.ts";
import { type MailTemplate, PLACEHOLDERS, TEMPLATES } from "./template_texts.ts";

export type TemplateValues = Record<(typeof PLACEHOLDERS)[number], string>;

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  language: Language;
}

const PLACEHOLDER = /\{\{(\w+)\}\}/g;
const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** The mail of `kind` in `language` with `values` filled in. */
export function renderMail(
  kind: MailKind,
  language: Language,
  values: TemplateValues,
  templates: Record<Language, Record<MailKind, MailTemplate>> = TEMPLATES,
): RenderedMail {
  const template = templates[language][kind];
  const plain = (value: string) => value;
  return {
    subject: fill(template.subject, values, (v) => v.replace(/\s+/g, " ").trim()),
    text: fill(template.text, values, plain),
    html: `<!doctype html><html lang="${language}"><head><meta charset="utf-8"></head><body>` +
      fill(template.html, values, escapedHtml) + "</body></html>",
    language,
  };
}

/** `value` safe inside HTML text, its line breaks as `<br>`. */
export function escapedHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]).replace(/\r?\n/g, "<br>\n");
}

function fill(template: string, values: TemplateValues, format: (value: string) => string) {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    if (!Object.hasOwn(values, name)) throw new Error(`Unknown template placeholder {{${name}}}`);
    return format(values[name as keyof TemplateValues]);
  });
}
