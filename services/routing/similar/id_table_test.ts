import assert from "node:assert/strict";
import { DomainError } from "@ticketd/shared/errors.ts";
import { IdTable, ticketIdValue } from "./id_table.ts";

Deno.test("IdTable - finds every id after growing and after deleting half of them", () => {
  const table = new IdTable();
  const ids = Array.from(
    { length: 5000 },
    (_, i) => 7_300_000_000_000_000_000n + BigInt(i) * 4099n,
  );
  ids.forEach((id, doc) => table.set(id, doc));
  ids.forEach((id, doc) => doc % 2 === 0 && table.delete(id));
  assert.equal(table.size, 2500);
  ids.forEach((id, doc) => assert.equal(table.get(id), doc % 2 === 0 ? -1 : doc));
  assert.equal(table.idOf(4999), ids[4999].toString());
});

Deno.test("ticketIdValue refuses ids that are not canonical decimals below 2^64", () => {
  assert.equal(ticketIdValue("18446744073709551615"), 18446744073709551615n);
  for (const bad of ["", "012", "12a", "-3", "18446744073709551616"]) {
    assert.throws(
      () => ticketIdValue(bad),
      (e) => e instanceof DomainError && e.code === "invalid_ticket_id",
    );
  }
});
