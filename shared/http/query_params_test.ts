import { deepEqual, equal, throws } from "node:assert/strict";
import { DomainError } from "../errors.ts";
import { checkParamNames, parseStrictUtc, plainParam, utcTimeParam } from "./query_params.ts";

function refusal(fn: () => unknown): { code: string; parameter: unknown } {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    equal(error.status, 400);
    return { code: error.code, parameter: error.extra.parameter };
  }
  throw new Error("expected a refusal");
}

const params = (query: string) => new URLSearchParams(query);

Deno.test("parseStrictUtc - real UTC instants parse, to the millisecond", () => {
  equal(parseStrictUtc("2026-01-31T00:00:00Z")?.toISOString(), "2026-01-31T00:00:00.000Z");
  equal(parseStrictUtc("2024-02-29T23:59:59.5Z")?.toISOString(), "2024-02-29T23:59:59.500Z");
  equal(parseStrictUtc("2026-03-01T10:00:00.123456Z")?.toISOString(), "2026-03-01T10:00:00.123Z");
});

Deno.test("parseStrictUtc - impossible dates, other zones and out-of-range years are refused", () => {
  for (
    const value of [
      "2026-02-30T00:00:00Z",
      "2025-02-29T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-01-01T24:00:00Z",
      "2026-01-01T00:60:00Z",
      "0000-01-01T00:00:00Z",
      "1969-12-31T23:59:59Z",
      "2026-01-01T00:00:00+01:00",
      "2026-01-01",
      "yesterday",
    ]
  ) equal(parseStrictUtc(value), null, value);
});

Deno.test("utcTimeParam - a bad time is a 400 invalid_parameter naming it", () => {
  deepEqual(refusal(() => utcTimeParam(params("from=2026-02-30T00:00:00Z"), "from")), {
    code: "invalid_parameter",
    parameter: "from",
  });
  equal(utcTimeParam(params(""), "from"), undefined);
});

Deno.test("plainParam - NUL, other control characters, empty and long values are refused", () => {
  for (
    const query of [
      "actor=%00",
      "actor=a%00b",
      "actor=a%1Bb",
      "actor=a%0Ab",
      "actor=",
      "actor=" + "x".repeat(9),
    ]
  ) {
    deepEqual(refusal(() => plainParam(params(query), "actor", 8)), {
      code: "invalid_parameter",
      parameter: "actor",
    }, query);
  }
  equal(plainParam(params("actor=svc%3Aattachments"), "actor", 32), "svc:attachments");
});

Deno.test("checkParamNames - unknown and repeated parameters are refused", () => {
  const known = new Set(["limit", "actor"]);
  deepEqual(refusal(() => checkParamNames(params("limit=1&limit=2"), known)), {
    code: "invalid_parameter",
    parameter: "limit",
  });
  deepEqual(refusal(() => checkParamNames(params("bogus=1"), known)), {
    code: "unknown_parameter",
    parameter: "bogus",
  });
  checkParamNames(params("limit=1&actor=a"), known);
  throws(() => checkParamNames(params("a%00=1"), known), DomainError);
});
