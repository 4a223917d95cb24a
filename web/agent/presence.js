/**
 * The presence toggle: routing's `PUT /routing/presence`, repeated at the interval routing asks
 * for while the agent is not offline (presence expires without heartbeats).
 * @module
 */

/**
 * @param {import("../shared/api.js").Api} api
 * @param {HTMLSelectElement} select
 * @param {(error: unknown) => void} failed
 */
export function presenceToggle(api, select, failed) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const beat = async () => {
    clearTimeout(timer);
    try {
      const answer = await api.send("PUT", "/routing/v1/routing/presence", {
        status: select.value,
      });
      if (select.value !== "offline") timer = setTimeout(beat, answer.heartbeatEveryMs);
    } catch (error) {
      failed(error);
    }
  };
  select.addEventListener("change", beat);
  return { stop: () => clearTimeout(timer) };
}
