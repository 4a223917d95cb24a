/**
 * An incremental RFC 4180 CSV parser: quoted fields with `""` escapes and line breaks inside,
 * CRLF or LF record ends. Lenient where the RFC is strict: a quote inside an unquoted field is
 * kept as text, and records may have different lengths.
 * @module
 */

/** Thrown when the input ends inside a quoted field. */
export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CsvError";
  }
}

/** A parsed record and the line it starts on (1-based). */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * Feed text with {@link CsvParser.push}, finish with {@link CsvParser.end}; both return the
 * records completed so far.
 *
 * @example
 * ```ts
 * const parser = new CsvParser();
 * const records = [...parser.push('a,"b\n""c"""\r\n1,'), ...parser.end()];
 * // [{ fields: ["a", 'b\n"c"'], line: 1 }, { fields: ["1", ""], line: 3 }]
 * ```
 */
export class CsvParser {
  #field = "";
  #fields: string[] = [];
  #quoted = false; // inside a quoted field
  #quoteSeen = false; // a quote just closed, or starts an escaped quote
  #started = false; // the current record has content
  #line = 1;
  #recordLine = 1;
  #pendingCr = false;
  #first = true;

  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let text = chunk;
    if (this.#first && text.length > 0) {
      this.#first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (const ch of text) this.#char(ch, out);
    return out;
  }

  end(): CsvRecord[] {
    if (this.#quoted && !this.#quoteSeen) {
      throw new CsvError(`Unterminated quoted field starting on line ${this.#recordLine}`);
    }
    const out: CsvRecord[] = [];
    if (this.#started) this.#endRecord(out);
    return out;
  }

  #char(ch: string, out: CsvRecord[]): void {
    if (this.#pendingCr) {
      this.#pendingCr = false;
      if (ch === "\n") return; // CRLF already ended the record
    }
    if (this.#quoted) return this.#quotedChar(ch, out);
    if (ch === "," || ch === "\r" || ch === "\n") return this.#delimiter(ch, out);
    if (ch === '"' && this.#field === "") {
      this.#quoted = true;
      this.#started = true;
      return;
    }
    this.#field += ch;
    this.#started = true;
  }

  #quotedChar(ch: string, out: CsvRecord[]): void {
    if (this.#quoteSeen) {
      this.#quoteSeen = false;
      if (ch === '"') {
        this.#field += '"';
        return;
      }
      this.#quoted = false;
      if (ch === "," || ch === "\r" || ch === "\n") return this.#delimiter(ch, out);
      this.#field += ch; // text after a closing quote: keep it, leniently
      return;
    }
    if (ch === '"') {
      this.#quoteSeen = true;
      return;
    }
    if (ch === "\n") this.#line++;
    this.#field += ch;
  }

  #delimiter(ch: string, out: CsvRecord[]): void {
    if (ch === ",") {
      this.#fields.push(this.#field);
      this.#field = "";
      this.#started = true;
      return;
    }
    this.#pendingCr = ch === "\r";
    if (this.#started) this.#endRecord(out);
    this.#line++;
    this.#recordLine = this.#line;
  }

  #endRecord(out: CsvRecord[]): void {
    this.#fields.push(this.#field);
    out.push({ fields: this.#fields, line: this.#recordLine });
    this.#fields = [];
    this.#field = "";
    this.#started = false;
    this.#quoted = false;
    this.#quoteSeen = false;
  }
}
