import assert from "node:assert/strict";

Deno.test("progressLine - on a stderr that is no terminal: one line per step or percent, no carriage returns", async () => {
  const script = new URL("./testdata/progress.ts", import.meta.url).pathname;
  const { stderr, code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", script],
    stdin: "null",
    stderr: "piped",
  }).output();
  assert.equal(code, 0);
  assert.equal(
    new TextDecoder().decode(stderr),
    [
      "checking a",
      "checking b",
      "TICKETS: 0 % of 10 bytes",
      "TICKETS: 50 % of 10 bytes",
      "TICKETS: 100 % of 10 bytes",
      "",
    ].join("\n"),
  );
});
