/** Writes straight to stdout, around the protocol. @module */
export default () => {
  Deno.stdout.writeSync(new TextEncoder().encode("not a protocol line\n"));
  return { replies: ["scribbled"], actions: [] };
};
