/** Says it is passing the customer on, and hands off. @module */
export default () => ({
  replies: ["passing you to a person"],
  actions: [],
  handoff: { reason: "asked for a human" },
});
