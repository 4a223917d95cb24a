/**
 * A file size as people read it (B, kB, MB, GB, decimal units) in the page's language.
 * @module
 */

const UNITS = /** @type {const} */ (["kilobyte", "megabyte", "gigabyte"]);

/**
 * @param {number} bytes
 * @param {string} locale a BCP 47 tag (i18n.js `language()`)
 */
export function formatBytes(bytes, locale) {
  // Intl's short "byte" reads "byte" in English: B is what file sizes show.
  if (bytes < 1000) return `${new Intl.NumberFormat(locale).format(bytes)} B`;
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: UNITS[unit],
    unitDisplay: "short",
    maximumFractionDigits: 1,
  }).format(value);
}
