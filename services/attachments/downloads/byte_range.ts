/**
 * The `Range` of a download (RFC 9110 §14): one byte range is served as 206, a range past the end
 * is 416, and anything else (no header, several ranges, a malformed one, a stale `If-Range`) is
 * answered with the whole file, which the RFC allows a server to do. Pure.
 * @module
 */

/** Inclusive byte positions. */
export interface ByteRange {
  start: number;
  end: number;
}

export type RangeChoice =
  | { kind: "whole" }
  | { kind: "partial"; range: ByteRange }
  | { kind: "unsatisfiable" };

const WHOLE: RangeChoice = { kind: "whole" };
const UNSATISFIABLE: RangeChoice = { kind: "unsatisfiable" };
const SPEC = /^\s*([0-9]*)\s*-\s*([0-9]*)\s*$/;

/**
 * What to send for `header` on a file of `size` bytes whose entity tag is `etag`. An empty file
 * is always sent whole (it has no byte to range over).
 */
export function chooseRange(
  header: string | undefined,
  size: number,
  ifRange?: string,
  etag?: string,
): RangeChoice {
  if (header === undefined || size === 0) return WHOLE;
  // If-Range compares strongly; a date (we send no Last-Modified) never matches.
  if (ifRange !== undefined && ifRange.trim() !== etag) return WHOLE;
  const unit = /^\s*bytes\s*=(.*)$/i.exec(header);
  if (!unit) return WHOLE; // a unit we do not know is ignored
  const specs = unit[1].split(",").filter((s) => s.trim() !== "");
  if (specs.length !== 1) return WHOLE; // several ranges: the whole file, not multipart
  return single(specs[0], size);
}

function single(spec: string, size: number): RangeChoice {
  const match = SPEC.exec(spec);
  if (!match || (match[1] === "" && match[2] === "")) return WHOLE;
  const [first, last] = [match[1], match[2]];
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) return UNSATISFIABLE;
    return partial(Math.max(0, size - suffix), size - 1);
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return WHOLE; // invalid, so ignored
  if (start >= size) return UNSATISFIABLE;
  return partial(start, last === "" ? size - 1 : Math.min(Number(last), size - 1));
}

function partial(start: number, end: number): RangeChoice {
  return { kind: "partial", range: { start, end } };
}
