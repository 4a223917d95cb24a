import assert from "node:assert/strict";
import { loadNames, loadPeople, peopleOf, personName } from "./people.js";

/** Records each path asked and answers it like routing and identity would. */
function recordingApi() {
  /** @type {string[]} */
  const asked = [];
  const api = /** @type {import("../shared/api.js").Api} */ (/** @type {unknown} */ ({
    get: (/** @type {string} */ path) => {
      asked.push(path);
      if (path.startsWith("/routing/")) {
        return Promise.resolve({ agents: [{ agentId: "11", displayName: "Alice" }], next: null });
      }
      return Promise.resolve({ people: [{ id: "22", name: "carol" }] });
    },
  }));
  return { api, asked };
}

Deno.test("people - a ticket's people are its requester, its authors and who changed it", () => {
  const ticket = { requesterId: "22", messages: [{ authorId: "22" }, { authorId: "11" }] };
  assert.deepEqual(peopleOf(ticket, [{ actor: { id: "svc:routing" } }]), [
    "22",
    "22",
    "11",
    "svc:routing",
  ]);
});

Deno.test("people - names are asked once per page in one request each; unknown ids stay ids", async () => {
  const { api, asked } = recordingApi();
  await loadPeople(api);
  await loadNames(api, ["22", "visitor-9", "22"]);
  await loadNames(api, ["22", "visitor-9"]);
  await loadPeople(api);
  assert.deepEqual(asked, [
    "/routing/v1/routing/agents?limit=200",
    "/identity/people?id=22&id=visitor-9",
  ]);
  assert.equal(personName("11"), "Alice");
  assert.equal(personName("22"), "carol");
  assert.equal(personName("visitor-9"), "visitor-9");
});
