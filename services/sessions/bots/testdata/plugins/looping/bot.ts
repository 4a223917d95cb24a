/** Spins forever in a synchronous loop. @module */
export default () => {
  while (true) {
    // spin
  }
};
