/**
 * The named limits of the sessions transports, resolved once by the service's configuration and
 * passed in; {@link DEFAULT_SESSION_LIMITS} holds the values the service starts from.
 * @module
 */

export interface SessionLimits {
  /** Most characters (code points, after NFC) in one chat message. */
  messageChars: number;
  /** Most bytes (UTF-8) in one WebSocket frame; a bigger one closes the socket with 1009. */
  frameBytes: number;
  /** Frames one connection may send per second, after a burst of `frameBurst`. */
  framesPerSecond: number;
  frameBurst: number;
  /** Frames refused for the rate on one connection before it is closed with 1008. */
  rateLimitStrikes: number;
  /** Open sockets per client address; the next upgrade is answered 429. */
  connectionsPerAddress: number;
  /** A socket that sends nothing (not even a ping frame) for this long is closed. */
  idleMs: number;
  /** Time a new socket has to send its auth frame. */
  authDeadlineMs: number;
  /** Conversations one socket may be attached to at once. */
  attachmentsPerConnection: number;
  /** Bytes queued unsent to a client before it is deemed too slow and closed (1013). */
  sendBufferBytes: number;
  /** Interval of SSE heartbeat comments, so proxies keep the stream open. */
  sseHeartbeatMs: number;
}

export const DEFAULT_SESSION_LIMITS: Readonly<SessionLimits> = {
  messageChars: 4_000,
  frameBytes: 32_768,
  framesPerSecond: 10,
  frameBurst: 20,
  rateLimitStrikes: 20,
  connectionsPerAddress: 50,
  idleMs: 120_000,
  authDeadlineMs: 10_000,
  attachmentsPerConnection: 20,
  sendBufferBytes: 1_048_576,
  sseHeartbeatMs: 15_000,
};
