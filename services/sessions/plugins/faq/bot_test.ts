import assert from "node:assert/strict";
import { customerSays, withHost } from "../../bots/testing.ts";

const PLUGINS = new URL("../", import.meta.url).pathname;

Deno.test("faq bot - answers a refund question with the refund answer and tags the intent", async () => {
  await withHost(["faq"], async (host) => {
    const answer = await host.turn("faq", customerSays("how can I track my refund?"));
    assert.ok("replies" in answer, JSON.stringify(answer));
    assert.equal(answer.handoff, undefined);
    assert.deepEqual(answer.actions, [{ type: "tag", tags: ["faq:track_refund"] }]);
    assert.match(answer.replies[0], /refund/i);
  }, { source: PLUGINS });
});

Deno.test("faq bot - hands off when the customer asks for a human, in English or Chinese", async () => {
  await withHost(["faq"], async (host) => {
    for (const text of ["I want to talk to a human", "转人工"]) {
      const answer = await host.turn("faq", customerSays(text));
      assert.ok("replies" in answer);
      assert.deepEqual(answer.handoff, { reason: "customer_asked" }, text);
    }
  }, { source: PLUGINS });
});

Deno.test("faq bot - hands off when nothing in the knowledge base is a clear match", async () => {
  await withHost(["faq"], async (host) => {
    const answer = await host.turn("faq", customerSays("zxqv blorp wibble"));
    assert.ok("replies" in answer);
    assert.equal(
      answer.handoff?.reason === "no_match" || answer.handoff?.reason === "low_confidence",
      true,
    );
  }, { source: PLUGINS });
});

Deno.test("faq bot - says nothing when the last message is not the customer's", async () => {
  await withHost(["faq"], async (host) => {
    const input = customerSays("hello");
    input.transcript[0].from = { role: "agent", id: "a-1" };
    assert.deepEqual(await host.turn("faq", input), { replies: [], actions: [] });
  }, { source: PLUGINS });
});
