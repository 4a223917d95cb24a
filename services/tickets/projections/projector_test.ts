import assert from "node:assert/strict";
import { Kvm } from "@nats-io/kv";
import {
  createTicket,
  customerA,
  projected,
  withHarness,
} from "../../../tests/support/tickets_harness.ts";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("projector - a consumer deleted from under it is recreated after the stored position", () =>
  withHarness(async (h) => {
    await projected(h, (await createTicket(h, customerA)).version);
    await h.jsm.consumers.delete("TICKETS", h.config.projector.name);
    const later = [];
    for (let i = 0; i < 3; i++) later.push(await createTicket(h, customerA));
    await projected(h, later.at(-1)!.version);
    assert.equal((await h.sql`select count(*)::int as n from tickets`)[0].n, 4);
    const info = await h.jsm.consumers.info("TICKETS", h.config.projector.name);
    assert.equal(info.num_ack_pending, 0, "everything applied is acknowledged");
  }));

Deno.test({
  name: "projector - after losing its lease and taking it again it projects again",
  sanitizeOps: false, // the lease retry timer of the stopped service may still be pending
  fn: () =>
    withHarness(async (h) => {
      await projected(h, (await createTicket(h, customerA)).version);
      const leases = await new Kvm(h.nc).open("leases");
      const name = h.config.projector.name;
      await leases.put(name, "another process"); // the next renewal finds it taken
      await pause(5_500);
      const meanwhile = await createTicket(h, customerA);
      await pause(300);
      assert.ok(h.service.watch.position < meanwhile.version, "stopped while not leading");
      await leases.delete(name); // the other process let go: the next retry takes it
      await projected(h, meanwhile.version);
      await projected(h, (await createTicket(h, customerA)).version);
    }),
});
