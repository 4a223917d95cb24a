/**
 * A browser's WebSocket passed through to a service's socket: frames both ways in order, what
 * the browser sends before the service's side is open held (bounded), either side's close
 * closing the other.
 * @module
 */

/** Frames the browser may send before the service's socket opens. */
export const MAX_PENDING_FRAMES = 64;

/** Upgrades `request` and relays it to `target` (a ws: or wss: URL). */
export function relaySocket(request: Request, target: URL, clientAddress: string): Response {
  const { socket: browser, response } = Deno.upgradeWebSocket(request, { idleTimeout: 0 });
  const service = new WebSocket(target, {
    headers: { "x-forwarded-for": clientAddress, origin: new URL(request.url).origin },
  });
  service.binaryType = "arraybuffer";
  browser.binaryType = "arraybuffer";
  const pending: (string | ArrayBuffer)[] = [];
  browser.onmessage = (e) => {
    if (service.readyState === WebSocket.OPEN) service.send(e.data);
    else if (pending.length < MAX_PENDING_FRAMES) pending.push(e.data);
    else browser.close(1013, "too_many_pending_frames");
  };
  service.onopen = () => {
    for (const frame of pending.splice(0)) service.send(frame);
  };
  service.onmessage = (e) => {
    if (browser.readyState === WebSocket.OPEN) browser.send(e.data);
  };
  service.onclose = (e) => closeSide(browser, e.code, e.reason);
  service.onerror = () => closeSide(browser, 1011, "upstream_unavailable");
  browser.onclose = (e) => closeSide(service, e.code, e.reason);
  browser.onerror = () => closeSide(service, 1000, "");
  return response;
}

/** Closes `socket` with the other side's code where that code may be sent (1005/1006 not). */
function closeSide(socket: WebSocket, code: number, reason: string) {
  if (socket.readyState === WebSocket.CLOSED || socket.readyState === WebSocket.CLOSING) return;
  const sendable = code === 1000 || (code >= 3000 && code < 5000) ||
    (code >= 1007 && code <= 1014 && code !== 1010);
  try {
    socket.close(sendable ? code : 1000, reason.slice(0, 120));
  } catch {
    // already closing from the other end
  }
}
