import assert from "node:assert/strict";
import { Hono } from "hono";
import { errors, RequestError } from "@nats-io/nats-core";
import { JetStreamApiError } from "@nats-io/jetstream";
import { DomainError } from "../errors.ts";
import { errorHandler } from "../http/problem.ts";
import { createLogger } from "../log/logger.ts";
import { asStoreUnavailable, isNatsUnavailable } from "./nats_unavailable.ts";

const apiError = (status: number, err_code: number) =>
  new JetStreamApiError({ code: status, err_code, description: "x" });

Deno.test("isNatsUnavailable - timeouts, no responders, lost connections and 503s are transient", () => {
  assert.ok(isNatsUnavailable(new errors.TimeoutError()));
  assert.ok(isNatsUnavailable(new errors.NoRespondersError("$JS.API.x")));
  assert.ok(isNatsUnavailable(new RequestError("x", { cause: new errors.NoRespondersError("y") })));
  assert.ok(isNatsUnavailable(new errors.ClosedConnectionError()));
  assert.ok(isNatsUnavailable(apiError(503, 10008)));
  assert.ok(isNatsUnavailable(new Error("wrapped", { cause: new errors.TimeoutError() })));
});

Deno.test("isNatsUnavailable - refusals and bugs are not transient", () => {
  assert.ok(!isNatsUnavailable(apiError(400, 10071))); // wrong last sequence
  assert.ok(!isNatsUnavailable(apiError(404, 10059))); // stream not found
  assert.ok(!isNatsUnavailable(new TypeError("x is undefined")));
  assert.ok(!isNatsUnavailable("timeout"));
});

Deno.test("asStoreUnavailable - answered 503 store_unavailable with Retry-After; others untouched", async () => {
  const app = new Hono();
  app.onError(errorHandler(createLogger("error")));
  app.get("/", () => {
    throw asStoreUnavailable(new errors.TimeoutError());
  });
  const response = await app.request("/");
  assert.equal(response.status, 503);
  assert.equal(response.headers.get("retry-after"), "2");
  assert.equal((await response.json()).code, "store_unavailable");
  const refusal = new DomainError("ticket_closed", "closed", 409);
  assert.equal(asStoreUnavailable(refusal), refusal);
});
