/** Closes its stdout and keeps running. @module */
export default () => {
  Deno.stdout.close();
  return { replies: ["nobody hears this"], actions: [] };
};
