/**
 * A binary min-heap of small integer slots keyed by a number, in typed arrays: a slot's key can
 * be changed or the slot removed in O(log n), and a million entries cost 16 bytes each.
 * @module
 */

/** Min-heap of slots (0 … capacity-1) by key; at most one entry per slot. */
export class SlotHeap {
  #heap = new Int32Array(16);
  #position = new Int32Array(16).fill(-1);
  #key = new Float64Array(16);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** The slot with the smallest key, or -1 when empty. */
  peek(): number {
    return this.#size === 0 ? -1 : this.#heap[0];
  }

  /** The key of `slot` (meaningful only while it is in the heap). */
  keyOf(slot: number): number {
    return this.#key[slot];
  }

  has(slot: number): boolean {
    return slot < this.#position.length && this.#position[slot] >= 0;
  }

  /** Puts `slot` in the heap with `key`, or moves it there if it is in already. */
  set(slot: number, key: number): void {
    this.#reserve(slot + 1);
    const at = this.#position[slot];
    this.#key[slot] = key;
    if (at < 0) {
      this.#place(this.#size, slot);
      this.#size++;
      this.#up(this.#size - 1);
    } else {
      this.#down(this.#up(at));
    }
  }

  /** Takes `slot` out of the heap (a no-op when it is not in). */
  delete(slot: number): void {
    if (!this.has(slot)) return;
    const at = this.#position[slot];
    const last = this.#heap[--this.#size];
    this.#position[slot] = -1;
    if (at === this.#size) return;
    this.#place(at, last);
    this.#down(this.#up(at));
  }

  #place(index: number, slot: number): void {
    this.#heap[index] = slot;
    this.#position[slot] = index;
  }

  #up(index: number): number {
    const slot = this.#heap[index];
    const key = this.#key[slot];
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.#key[this.#heap[parent]] <= key) break;
      this.#place(index, this.#heap[parent]);
      index = parent;
    }
    this.#place(index, slot);
    return index;
  }

  #down(index: number): void {
    const slot = this.#heap[index];
    const key = this.#key[slot];
    for (;;) {
      let child = 2 * index + 1;
      if (child >= this.#size) break;
      const right = child + 1;
      if (right < this.#size && this.#key[this.#heap[right]] < this.#key[this.#heap[child]]) {
        child = right;
      }
      if (this.#key[this.#heap[child]] >= key) break;
      this.#place(index, this.#heap[child]);
      index = child;
    }
    this.#place(index, slot);
  }

  #reserve(slots: number): void {
    if (slots <= this.#position.length) return;
    const capacity = Math.max(slots, this.#position.length * 2);
    const heap = new Int32Array(capacity);
    heap.set(this.#heap);
    const position = new Int32Array(capacity).fill(-1);
    position.set(this.#position);
    const key = new Float64Array(capacity);
    key.set(this.#key);
    [this.#heap, this.#position, this.#key] = [heap, position, key];
  }
}
