/** Answers with a reply far over any frame limit. @module */
export default () => ({ replies: ["x".repeat(10_000_000)], actions: [] });
