/** Returns something that is not an answer. @module */
export default () => ({ replies: "not a list", actions: [{ type: "delete_everything" }] });
