/**
 * Many growable lists of 32-bit integers in a few large pages, instead of one JS array per list:
 * a list is a run (page, start, length, capacity) that moves to a run half again as large (twice while short) when full.
 * Freed runs are garbage until the arena compacts, which it does once garbage reaches half the live data.
 * @module
 */

/** Growable integer lists, addressed by dense list numbers. */
export class ListArena {
  #pages: Int32Array[] = [];
  #top = 0; // ints used in the last page
  #page: Int32Array<ArrayBuffer> = new Int32Array(0);
  #start: Int32Array<ArrayBuffer> = new Int32Array(0);
  #length: Int32Array<ArrayBuffer> = new Int32Array(0);
  #capacity: Int32Array<ArrayBuffer> = new Int32Array(0);
  #lists = 0;
  #live = 0;
  #garbage = 0;

  /** `maxPageInts` bounds one list's length; the first page is small, later ones double. */
  constructor(readonly maxPageInts = 1 << 22, readonly firstPageInts = 1 << 12) {}

  /** How many integers `list` holds. */
  length(list: number): number {
    return list < this.#lists ? this.#length[list] : 0;
  }

  /** The page holding `list`; its items are `page[start(list) .. start(list) + length(list))`. */
  page(list: number): Int32Array {
    return this.#pages[this.#page[list]];
  }

  start(list: number): number {
    return this.#start[list];
  }

  /** Appends `value` to `list`; false when the list is at its longest (`maxPageInts`). */
  push(list: number, value: number): boolean {
    this.#ensureList(list);
    const length = this.#length[list];
    if (length === this.#capacity[list]) {
      if (length >= this.maxPageInts) return false;
      this.#move(
        list,
        Math.min(this.maxPageInts, Math.max(2, length < 16 ? length * 2 : length * 1.5 | 0)),
      );
    }
    this.#pages[this.#page[list]][this.#start[list] + length] = value;
    this.#length[list] = length + 1;
    return true;
  }

  /** Removes the first `value` from `list`, keeping the order of the rest; false if absent. */
  remove(list: number, value: number): boolean {
    const length = this.length(list);
    if (length === 0) return false;
    const page = this.page(list), start = this.#start[list];
    const at = page.subarray(start, start + length).indexOf(value);
    if (at < 0) return false;
    page.copyWithin(start + at, start + at + 1, start + length);
    this.#length[list] = length - 1;
    return true;
  }

  /** Makes `list` exactly `values` (tight: lists written once, like a ticket's terms). */
  assign(list: number, values: ArrayLike<number>): void {
    this.#ensureList(list);
    this.#free(list);
    if (values.length === 0) return;
    this.#allocate(list, values.length);
    this.page(list).set(values, this.#start[list]);
    this.#length[list] = values.length;
    this.#compactIfWasteful();
  }

  /** Empties `list` and gives its run back. */
  clear(list: number): void {
    if (list >= this.#lists) return;
    this.#free(list);
    this.#compactIfWasteful();
  }

  /** Bytes held: pages and the per-list bookkeeping. */
  bytes(): number {
    const pages = this.#pages.reduce((sum, page) => sum + page.byteLength, 0);
    return pages + 4 * (this.#page.length + this.#start.length + this.#length.length +
          this.#capacity.length);
  }

  #move(list: number, capacity: number): void {
    const length = this.#length[list];
    const from = this.page(list), start = this.#start[list];
    this.#garbage += this.#capacity[list];
    this.#live -= this.#capacity[list];
    this.#allocate(list, capacity);
    if (length > 0) this.page(list).set(from.subarray(start, start + length), this.#start[list]);
    this.#length[list] = length;
    this.#compactIfWasteful();
  }

  #allocate(list: number, capacity: number): void {
    let last = this.#pages.at(-1);
    if (!last || this.#top + capacity > last.length) {
      if (last) this.#garbage += last.length - this.#top;
      const size = Math.min(this.maxPageInts, (last?.length ?? this.firstPageInts / 2) * 2);
      last = new Int32Array(Math.max(size, capacity));
      this.#pages.push(last);
      this.#top = 0;
    }
    this.#page[list] = this.#pages.length - 1;
    this.#start[list] = this.#top;
    this.#capacity[list] = capacity;
    this.#top += capacity;
    this.#live += capacity;
  }

  #free(list: number): void {
    this.#garbage += this.#capacity[list];
    this.#live -= this.#capacity[list];
    this.#capacity[list] = 0;
    this.#length[list] = 0;
  }

  #compactIfWasteful(): void {
    // Garbage is kept under a third of the pages; compaction copies only live lists.
    if (this.#garbage < this.firstPageInts * 4 || 2 * this.#garbage < this.#live) return;
    const old = this.#pages;
    this.#pages = [];
    this.#top = this.#live = this.#garbage = 0;
    for (let list = 0; list < this.#lists; list++) {
      const length = this.#length[list];
      this.#capacity[list] = 0;
      if (length === 0) continue;
      const from = old[this.#page[list]], start = this.#start[list];
      this.#allocate(list, Math.min(this.maxPageInts, length + (length >> 3) + 1));
      this.page(list).set(from.subarray(start, start + length), this.#start[list]);
    }
  }

  #ensureList(list: number): void {
    if (list < this.#lists) return;
    if (list >= this.#page.length) {
      const size = Math.max(16, this.#page.length * 2, list + 1);
      this.#page = grown(this.#page, size);
      this.#start = grown(this.#start, size);
      this.#length = grown(this.#length, size);
      this.#capacity = grown(this.#capacity, size);
    }
    this.#lists = list + 1;
  }
}

function grown(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(size);
  bigger.set(array);
  return bigger;
}
