import assert from "node:assert/strict";
import { DomainError } from "@ticketd/shared/errors.ts";
import type { TicketEvent } from "@ticketd/shared/events/tickets.ts";
import { type CustomStatus, resolveStatus } from "./custom_statuses.ts";
import { given, history } from "./testing.ts";

const vendor: CustomStatus = {
  id: "900",
  category: "pending",
  names: { en: "Waiting on vendor", zh: "等待供应商" },
  retired: false,
};
const pendingOnVendor: TicketEvent = {
  type: "TicketStatusChanged",
  data: { from: "new", to: "pending", customStatusId: "900" },
};
const fails = (code: string) => (e: unknown) => e instanceof DomainError && e.code === code;

Deno.test("ChangeStatus - a custom status moves the category and records the custom id", () => {
  given(history()).when({ type: "ChangeStatus", to: "pending", customStatusId: "900" }).then([
    pendingOnVendor,
  ]);
});

Deno.test("ChangeStatus - another custom status in the same category moves only the custom id", () => {
  given([...history(), pendingOnVendor])
    .when({ type: "ChangeStatus", to: "pending", customStatusId: "901" })
    .then([{
      type: "TicketStatusChanged",
      data: { from: "pending", to: "pending", customStatusId: "901" },
    }]);
});

Deno.test("ChangeStatus - the same custom status again is a no-op", () => {
  given([...history(), pendingOnVendor])
    .when({ type: "ChangeStatus", to: "pending", customStatusId: "900" })
    .then([]);
});

Deno.test("ChangeStatus - the built-in name of the category clears a custom status", () => {
  given([...history(), pendingOnVendor])
    .when({ type: "ChangeStatus", to: "pending" })
    .then([{ type: "TicketStatusChanged", data: { from: "pending", to: "pending" } }]);
});

Deno.test("ChangeStatus - a custom status still obeys the transition table of its category", () => {
  const closed: TicketEvent[] = [
    { type: "TicketStatusChanged", data: { from: "new", to: "solved" } },
    { type: "TicketStatusChanged", data: { from: "solved", to: "closed" } },
  ];
  given([...history(), ...closed])
    .when({ type: "ChangeStatus", to: "pending", customStatusId: "900" })
    .thenFails("transition_not_allowed");
});

Deno.test("resolveStatus - a custom status brings its category", () => {
  assert.deepEqual(resolveStatus({ customStatusId: "900" }, vendor), {
    to: "pending",
    customStatusId: "900",
  });
});

Deno.test("resolveStatus - a built-in status alone has no custom status", () => {
  assert.deepEqual(resolveStatus({ status: "open" }, null), { to: "open", customStatusId: null });
});

Deno.test("resolveStatus - an unknown, retired or mismatched custom status is refused", () => {
  assert.throws(
    () => resolveStatus({ customStatusId: "900" }, null),
    fails("unknown_custom_status"),
  );
  assert.throws(
    () => resolveStatus({ customStatusId: "900" }, { ...vendor, retired: true }),
    fails("custom_status_retired"),
  );
  assert.throws(
    () => resolveStatus({ status: "open", customStatusId: "900" }, vendor),
    fails("custom_status_mismatch"),
  );
});
