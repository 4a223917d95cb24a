/** Prints with console.log (which must not reach the protocol on stdout), then answers. @module */
export default () => {
  console.log("chatty: handling a turn");
  return { replies: ["printed and answered"], actions: [] };
};
