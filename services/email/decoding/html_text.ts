/**
 * HTML mail bodies as safe plain text: markup, scripts, styles and hidden tricks become text and
 * nothing else, with the input size and nesting depth bounded (a mail of a million nested
 * `<div>`s must not take a worker down). Links keep their address beside their words.
 * @module
 */
import { convert } from "html-to-text";

export interface HtmlLimits {
  /** Characters of HTML read; the rest is dropped. */
  maxHtmlChars: number;
  /** Elements deeper than this are left out. */
  maxHtmlDepth: number;
}

/** The text of `html`, within `limits`. */
export function htmlToSafeText(html: string, limits: HtmlLimits): string {
  // Cut here rather than through html-to-text's own limit, which warns on the console.
  const input = html.length > limits.maxHtmlChars ? html.slice(0, limits.maxHtmlChars) : html;
  return convert(input, {
    wordwrap: false,
    limits: { maxDepth: limits.maxHtmlDepth, maxChildNodes: 10_000, ellipsis: " ..." },
    selectors: [
      { selector: "img", format: "skip" },
      { selector: "a", options: { hideLinkHrefIfSameAsText: true, pathRewrite: safeHref } },
    ],
  });
}

/** Only web and mail links keep their address: `javascript:` and `data:` ones are dropped. */
function safeHref(href: string): string {
  return /^(https?:|mailto:)/i.test(href.trim()) ? href : "";
}
