/**
 * Building the page with DOM APIs only: text is always set as text, never parsed as markup.
 * @module
 */

/**
 * An element with attributes and children; strings become text nodes.
 * @param {string} tag
 * @param {Record<string, string | boolean | undefined>} [attributes]
 * @param {(Node | string | null | undefined)[]} children
 * @returns {HTMLElement}
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    element.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return element;
}

/**
 * Replaces every child of `parent`.
 * @param {Element} parent
 * @param {(Node | string)[]} children
 */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren(...children);
}

/**
 * The element with `id`, or an error naming it (the page's skeleton is fixed).
 * @template {HTMLElement} T
 * @param {string} id
 * @returns {T}
 */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`No element #${id}`);
  return /** @type {T} */ (element);
}
