/**
 * The k best-scoring documents of a pass, with a fixed-size min-heap (the weakest kept on top).
 * @module
 */

export interface Scored {
  doc: number;
  score: number;
}

/** Keeps the `k` highest scores offered; ties keep the lower document number. */
export class TopK {
  #docs: Int32Array;
  #scores: Float64Array;
  #size = 0;

  constructor(readonly k: number) {
    this.#docs = new Int32Array(k);
    this.#scores = new Float64Array(k);
  }

  offer(doc: number, score: number): void {
    if (this.#size < this.k) {
      this.#docs[this.#size] = doc;
      this.#scores[this.#size] = score;
      this.#up(this.#size++);
    } else if (this.k > 0 && this.#beats(doc, score, 0)) {
      this.#docs[0] = doc;
      this.#scores[0] = score;
      this.#down(0);
    }
  }

  /** Best first. */
  sorted(): Scored[] {
    const out: Scored[] = [];
    for (let i = 0; i < this.#size; i++) out.push({ doc: this.#docs[i], score: this.#scores[i] });
    return out.sort((a, b) => b.score - a.score || a.doc - b.doc);
  }

  #beats(doc: number, score: number, at: number): boolean {
    const other = this.#scores[at];
    return score > other || (score === other && doc < this.#docs[at]);
  }

  #up(at: number): void {
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.#beats(this.#docs[parent], this.#scores[parent], at)) return;
      this.#swap(at, parent);
      at = parent;
    }
  }

  #down(at: number): void {
    for (;;) {
      let weakest = at;
      for (const child of [2 * at + 1, 2 * at + 2]) {
        if (child < this.#size && !this.#beats(this.#docs[child], this.#scores[child], weakest)) {
          weakest = child;
        }
      }
      if (weakest === at) return;
      this.#swap(at, weakest);
      at = weakest;
    }
  }

  #swap(a: number, b: number): void {
    [this.#docs[a], this.#docs[b]] = [this.#docs[b], this.#docs[a]];
    [this.#scores[a], this.#scores[b]] = [this.#scores[b], this.#scores[a]];
  }
}
