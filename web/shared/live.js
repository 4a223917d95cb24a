/**
 * The sessions service's WebSocket (through the gateway), for the agent workspace and the
 * portal: authenticate with the first frame, hand each notification on (and any other frame to
 * `onFrame`), ping before the idle limit, reconnect with back-off. No polling.
 * @module
 */

const PING_MS = 45_000;
const MAX_BACKOFF_MS = 15_000;

/**
 * @typedef {{ kind: string, ticketId?: string, sourceSeq?: number,
 *   data?: Record<string, unknown> }} Notification
 * @typedef {{ type: string, [key: string]: any }} Frame
 * @param {{ token(): Promise<string>, onNotification(n: Notification): void,
 *   onLive(live: boolean): void, onFrame?(frame: Frame): void }} deps
 * @returns {{ stop(): void, send(frame: Frame): boolean }}
 */
export function followNotifications(deps) {
  let stopped = false;
  let ready = false;
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
        ready = true;
        deps.onLive(true);
        ping = setInterval(() => current.send(JSON.stringify({ type: "ping" })), PING_MS);
      } else if (frame.type === "notification") deps.onNotification(frame.notification);
      else deps.onFrame?.(frame);
    };
    current.onclose = () => {
      clearInterval(ping);
      ready = false;
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
    /** Sends a frame when the socket is ready; false when it is not (nothing is queued). */
    send(frame) {
      if (!ready || socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(frame));
      return true;
    },
  };
}
