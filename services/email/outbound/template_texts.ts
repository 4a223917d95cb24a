/**
 * The mail templates in English and Chinese: a subject, a plain-text part and an HTML part per
 * kind of mail. Placeholders are `{{name}}`; in the HTML part every value is escaped.
 * @module
 */
import type { Language } from "./language.ts";
import type { MailKind } from "./mail_plan.ts";

export interface MailTemplate {
  subject: string;
  text: string;
  html: string;
}

/** The placeholders a template may use. */
export const PLACEHOLDERS = ["number", "subject", "body", "sender", "survey"] as const;

const SIGNATURE_EN = "{{sender}}";
const SIGNATURE_ZH = "{{sender}}";
const QUOTE_NOTE_EN = "Reply to this email to add to your request.";
const QUOTE_NOTE_ZH = "直接回复此邮件即可补充您的请求。";

export const TEMPLATES: Record<Language, Record<MailKind, MailTemplate>> = {
  en: {
    reply: {
      subject: "Re: {{subject}} [#{{number}}]",
      text: `{{body}}\n\n-- \n${SIGNATURE_EN}\nRequest #{{number}}. ${QUOTE_NOTE_EN}\n`,
      html:
        `<div>{{body}}</div><hr><p>${SIGNATURE_EN}<br>Request #{{number}}. ${QUOTE_NOTE_EN}</p>`,
    },
    created: {
      subject: "Re: {{subject}} [#{{number}}]",
      text: `We have received your request "{{subject}}" as #{{number}}. ` +
        `We will get back to you soon.\n\n${QUOTE_NOTE_EN}\n\n-- \n${SIGNATURE_EN}\n`,
      html: `<p>We have received your request “{{subject}}” as #{{number}}. ` +
        `We will get back to you soon.</p><p>${QUOTE_NOTE_EN}</p><hr><p>${SIGNATURE_EN}</p>`,
    },
    solved: {
      subject: "Re: {{subject}} [#{{number}}]",
      text: `Your request #{{number}} "{{subject}}" has been marked as solved. ` +
        `If it is not, just reply to this email and it will be reopened.{{survey}}\n\n-- \n${SIGNATURE_EN}\n`,
      html: `<p>Your request #{{number}} “{{subject}}” has been marked as solved. ` +
        `If it is not, just reply to this email and it will be reopened.{{survey}}</p>` +
        `<hr><p>${SIGNATURE_EN}</p>`,
    },
  },
  zh: {
    reply: {
      subject: "回复：{{subject}} [#{{number}}]",
      text: `{{body}}\n\n-- \n${SIGNATURE_ZH}\n工单 #{{number}}。${QUOTE_NOTE_ZH}\n`,
      html: `<div>{{body}}</div><hr><p>${SIGNATURE_ZH}<br>工单 #{{number}}。${QUOTE_NOTE_ZH}</p>`,
    },
    created: {
      subject: "回复：{{subject}} [#{{number}}]",
      text: `我们已收到您的请求“{{subject}}”，工单编号 #{{number}}。我们会尽快回复您。\n\n` +
        `${QUOTE_NOTE_ZH}\n\n-- \n${SIGNATURE_ZH}\n`,
      html: `<p>我们已收到您的请求“{{subject}}”，工单编号 #{{number}}。我们会尽快回复您。</p>` +
        `<p>${QUOTE_NOTE_ZH}</p><hr><p>${SIGNATURE_ZH}</p>`,
    },
    solved: {
      subject: "回复：{{subject}} [#{{number}}]",
      text: `您的工单 #{{number}}“{{subject}}”已标记为已解决。如问题仍未解决，` +
        `请直接回复此邮件，工单将重新打开。{{survey}}\n\n-- \n${SIGNATURE_ZH}\n`,
      html: `<p>您的工单 #{{number}}“{{subject}}”已标记为已解决。如问题仍未解决，` +
        `请直接回复此邮件，工单将重新打开。{{survey}}</p><hr><p>${SIGNATURE_ZH}</p>`,
    },
  },
};
