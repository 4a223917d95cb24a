/**
 * Times from the API are UTC ISO strings; they are shown in the viewer's zone and language.
 * @module
 */

/** @type {Map<string, Intl.DateTimeFormat>} */
const formats = new Map();

/**
 * `iso` as a date and time in the viewer's zone, in `language`.
 * @param {string} iso
 * @param {string} language
 * @param {string} [timeZone] the viewer's zone unless given (tests pin one)
 */
export function formatTime(iso, language, timeZone) {
  const key = `${language}|${timeZone ?? ""}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(language, {
      dateStyle: "medium",
      timeStyle: "short",
      ...(timeZone ? { timeZone } : {}),
    });
    formats.set(key, format);
  }
  return format.format(new Date(iso));
}
