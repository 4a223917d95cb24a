/** Allocates array buffers (outside the V8 heap) without end; they are kept, never touched. @module */
const hoard: Uint8Array[] = [];

export default () => {
  while (true) hoard.push(new Uint8Array(64 * 1024 * 1024));
};
