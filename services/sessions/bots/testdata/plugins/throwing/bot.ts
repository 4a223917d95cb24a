/** Throws on every turn. @module */
export default () => {
  throw new RangeError("this bot always throws");
};
