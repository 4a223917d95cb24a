/**
 * The term dictionary of one tenant: keyed token hash -> dense term number, with each term's
 * document frequency and whether it has been found stop-like. Only hashes are held, never words.
 * Terms are never deleted (a term whose tickets are all gone keeps df 0 and costs ~13 bytes).
 * @module
 */

const EMPTY = 0; // slots hold term + 1

export class TermTable {
  #hashOf = new Uint32Array(16);
  #df = new Int32Array(16);
  #stop = new Uint8Array(16);
  #slots = new Int32Array(32);
  #count = 0;

  get size(): number {
    return this.#count;
  }

  /** The term of `hash`, or -1 when the tenant never indexed it. */
  find(hash: number): number {
    const mask = this.#slots.length - 1;
    for (let slot = slotOf(hash, mask);; slot = (slot + 1) & mask) {
      const entry = this.#slots[slot];
      if (entry === EMPTY) return -1;
      if (this.#hashOf[entry - 1] === hash) return entry - 1;
    }
  }

  /** The term of `hash`, created (df 0) when new. */
  intern(hash: number): number {
    const found = this.find(hash);
    if (found >= 0) return found;
    if ((this.#count + 1) * 2 > this.#slots.length) this.#rehash(this.#slots.length * 2);
    const term = this.#count++;
    if (term >= this.#hashOf.length) this.#growTerms(this.#hashOf.length * 2);
    this.#hashOf[term] = hash;
    this.#place(term);
    return term;
  }

  df(term: number): number {
    return this.#df[term];
  }

  /** Adds `delta` to the document frequency of `term` and returns the new value. */
  addDf(term: number, delta: number): number {
    return this.#df[term] += delta;
  }

  isStop(term: number): boolean {
    return this.#stop[term] === 1;
  }

  /** Marks `term` stop-like for good: it is no longer indexed nor looked up. */
  markStop(term: number): void {
    this.#stop[term] = 1;
  }

  bytes(): number {
    return this.#hashOf.byteLength + this.#df.byteLength + this.#stop.byteLength +
      this.#slots.byteLength;
  }

  #place(term: number): void {
    const mask = this.#slots.length - 1;
    let slot = slotOf(this.#hashOf[term], mask);
    while (this.#slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.#slots[slot] = term + 1;
  }

  #rehash(size: number): void {
    this.#slots = new Int32Array(size);
    for (let term = 0; term < this.#count; term++) this.#place(term);
  }

  #growTerms(size: number): void {
    const hashOf = new Uint32Array(size), df = new Int32Array(size), stop = new Uint8Array(size);
    hashOf.set(this.#hashOf);
    df.set(this.#df);
    stop.set(this.#stop);
    [this.#hashOf, this.#df, this.#stop] = [hashOf, df, stop];
  }
}

// The hashes are already keyed pseudo-random values; one multiply spreads their low bits.
function slotOf(hash: number, mask: number): number {
  return (Math.imul(hash, 0x9e3779b1) >>> 7) & mask;
}
