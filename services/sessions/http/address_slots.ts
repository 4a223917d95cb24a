/**
 * Open connections per client address, so one address cannot hold every socket of an instance.
 * @module
 */

export class AddressSlots {
  readonly #open = new Map<string, number>();

  constructor(readonly perAddress: number) {}

  /** Takes a slot for `address`; null when it holds `perAddress` already, else its release. */
  take(address: string): (() => void) | null {
    const open = this.#open.get(address) ?? 0;
    if (open >= this.perAddress) return null;
    this.#open.set(address, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(address) ?? 1) - 1;
      if (left > 0) this.#open.set(address, left);
      else this.#open.delete(address);
    };
  }

  /** Connections open from `address`. */
  count(address: string): number {
    return this.#open.get(address) ?? 0;
  }
}
