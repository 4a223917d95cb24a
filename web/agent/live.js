/**
 * Agent notifications pushed by the sessions service over its WebSocket (through the gateway):
 * authenticate with the first frame, hand each notification on, ping before the idle limit,
 * reconnect with back-off. No polling.
 * @module
 */

const PING_MS = 45_000;
const MAX_BACKOFF_MS = 15_000;

/**
 * @typedef {{ kind: string, ticketId?: string, data?: Record<string, unknown> }} Notification
 * @param {{ token(): Promise<string>, onNotification(n: Notification): void,
 *   onLive(live: boolean): void }} deps
 * @returns {{ stop(): void }}
 */
export function followNotifications(deps) {
  let stopped = false;
  let backoff = 500;
  /** @type {WebSocket | null} */
  let socket = null;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let ping;
  const connect = () => {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(`${scheme}//${location.host}/api/sessions/sessions/socket`);
    const current = socket;
    current.onopen = async () =>
      current.send(JSON.stringify({ type: "auth", token: await deps.token() }));
    current.onmessage = (event) => {
      const frame = JSON.parse(String(event.data));
      if (frame.type === "ready") {
        backoff = 500;
        deps.onLive(true);
        ping = setInterval(() => current.send(JSON.stringify({ type: "ping" })), PING_MS);
      } else if (frame.type === "notification") deps.onNotification(frame.notification);
    };
    current.onclose = () => {
      clearInterval(ping);
      deps.onLive(false);
      if (stopped) return;
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    };
  };
  connect();
  return {
    stop() {
      stopped = true;
      socket?.close(1000);
    },
  };
}
