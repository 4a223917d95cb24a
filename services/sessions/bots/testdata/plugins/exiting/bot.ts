/** Tries to end its worker with Deno.exit. @module */
export default () => {
  Deno.exit(3);
};
