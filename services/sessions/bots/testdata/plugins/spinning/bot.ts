/** Answers, then spins in a synchronous loop outside any turn (only a liveness ping notices). @module */
export default () => {
  setTimeout(() => {
    while (true) {
      // spin
    }
  }, 10);
  return { replies: ["spinning soon"], actions: [] };
};
