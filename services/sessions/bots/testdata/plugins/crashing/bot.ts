/** Throws outside the turn (an uncaught error ends the worker). @module */
export default () => {
  setTimeout(() => {
    throw new Error("uncaught, outside the turn");
  }, 0);
  return new Promise(() => {});
};
