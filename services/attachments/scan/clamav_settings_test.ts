import assert from "node:assert/strict";
import { parseReply } from "./clamav.ts";
import {
  DEFAULT_MAX_STREAM_BYTES,
  DEFAULT_SCAN_TIMEOUT_MS,
  parseClamavAddress,
  readClamavSettings,
} from "./clamav_settings.ts";

Deno.test("parseClamavAddress - socket paths, unix: paths, host:port and [v6]:port", () => {
  assert.deepEqual(parseClamavAddress("/run/clamav/clamd.ctl"), {
    transport: "unix",
    path: "/run/clamav/clamd.ctl",
  });
  assert.deepEqual(parseClamavAddress("unix:clamd.sock"), {
    transport: "unix",
    path: "clamd.sock",
  });
  assert.deepEqual(parseClamavAddress("clamd:3310"), {
    transport: "tcp",
    hostname: "clamd",
    port: 3310,
  });
  assert.deepEqual(parseClamavAddress("[::1]:3310"), {
    transport: "tcp",
    hostname: "::1",
    port: 3310,
  });
  assert.throws(() => parseClamavAddress("clamd"), /TICKETD_CLAMAV_SOCKET "clamd"/);
  assert.throws(() => parseClamavAddress("clamd:70000"), /host:port/);
});

Deno.test("readClamavSettings - unset means no scanning; limits default to clamd's", () => {
  assert.equal(readClamavSettings({}), undefined);
  assert.equal(readClamavSettings({ TICKETD_CLAMAV_SOCKET: " " }), undefined);
  assert.deepEqual(readClamavSettings({ TICKETD_CLAMAV_SOCKET: "127.0.0.1:3310" }), {
    address: { transport: "tcp", hostname: "127.0.0.1", port: 3310 },
    timeoutMs: DEFAULT_SCAN_TIMEOUT_MS,
    maxStreamBytes: DEFAULT_MAX_STREAM_BYTES,
  });
  const set = readClamavSettings({
    TICKETD_CLAMAV_SOCKET: "/s",
    TICKETD_CLAMAV_TIMEOUT_MS: "500",
    TICKETD_CLAMAV_MAX_STREAM_BYTES: "1048576",
  });
  assert.deepEqual([set?.timeoutMs, set?.maxStreamBytes], [500, 1048576]);
  assert.throws(
    () => readClamavSettings({ TICKETD_CLAMAV_SOCKET: "/s", TICKETD_CLAMAV_TIMEOUT_MS: "soon" }),
    /TICKETD_CLAMAV_TIMEOUT_MS/,
  );
});

Deno.test("parseReply - OK, FOUND, a size limit and other errors", () => {
  assert.deepEqual(parseReply("stream: OK"), { verdict: "clean" });
  assert.deepEqual(parseReply("stream: Win.Test.EICAR_HDB-1 FOUND"), {
    verdict: "infected",
    signature: "Win.Test.EICAR_HDB-1",
  });
  assert.deepEqual(parseReply("INSTREAM size limit exceeded. ERROR"), {
    verdict: "unscanned",
    reason: "too_large",
  });
  assert.deepEqual(parseReply("Can't allocate memory ERROR"), {
    verdict: "failed",
    reason: "clamd: Can't allocate memory ERROR",
  });
  assert.equal(parseReply("").verdict, "failed");
});
