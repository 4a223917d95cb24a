import assert from "node:assert/strict";
import { DomainError } from "@ticketd/shared/errors.ts";
import { type SlaTarget, validateTargets } from "./policy.ts";

const good: SlaTarget = { firstResponseMinutes: 60, resolutionMinutes: 480, warnAtPercent: 80 };

function refusedWith(targets: Record<string, SlaTarget>, code: string, message: RegExp): void {
  assert.throws(() => validateTargets(targets), (error: unknown) => {
    assert.ok(error instanceof DomainError);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

Deno.test("validateTargets - accepts targets for some priorities", () => {
  assert.deepEqual(validateTargets({ urgent: good }), { urgent: good });
});

Deno.test("validateTargets - an unknown priority is unknown_priority", () => {
  refusedWith({ critical: good }, "unknown_priority", /"critical"/);
});

Deno.test("validateTargets - zero, fractional or huge minutes and a bad percent are invalid_sla_target", () => {
  refusedWith(
    { high: { ...good, firstResponseMinutes: 0 } },
    "invalid_sla_target",
    /firstResponseMinutes of high/,
  );
  refusedWith(
    { high: { ...good, resolutionMinutes: 1.5 } },
    "invalid_sla_target",
    /resolutionMinutes/,
  );
  refusedWith({ high: { ...good, resolutionMinutes: 10_000_000 } }, "invalid_sla_target", /525600/);
  refusedWith(
    { low: { ...good, warnAtPercent: 100 } },
    "invalid_sla_target",
    /warnAtPercent of low/,
  );
});
