import assert from "node:assert/strict";
import { redirectUriProblem } from "./redirect_uris.ts";

Deno.test("redirectUriProblem - https anywhere and http on a loopback host are accepted", () => {
  for (
    const ok of [
      "https://portal.example/callback",
      "https://portal.example:8443/cb?tenant=acme",
      "http://127.0.0.1:9/console/callback",
      "http://[::1]:8080/cb",
      "http://localhost/cb",
    ]
  ) {
    assert.equal(redirectUriProblem(ok), null, ok);
  }
});

Deno.test("redirectUriProblem - script, data, other schemes, plain http elsewhere, fragments, user info and relative URIs are refused", () => {
  const refused: [string, RegExp][] = [
    ["javascript:alert(1)", /https:/],
    ["JavaScript://%0aalert(1)", /https:/],
    ["data:text/html,<script>alert(1)</script>", /https:/],
    ["vbscript:msgbox(1)", /https:/],
    ["file:///etc/passwd", /https:/],
    ["com.example.app:/callback", /https:/],
    ["ftp://portal.example/cb", /https:/],
    ["http://portal.example/callback", /loopback/],
    ["http://127.0.0.1.evil.example/cb", /loopback/],
    ["http://localhost.evil.example/cb", /loopback/],
    ["https://portal.example/cb#frag", /fragment/],
    ["https://portal.example/cb#", /fragment/],
    ["https://user:pw@portal.example/cb", /user info/],
    ["https://evil.example@portal.example/cb", /user info/],
    ["https://@portal.example/cb", /user info/],
    ["https:portal.example/cb", /absolute/],
    ["/callback", /absolute/],
    ["portal.example/cb", /absolute/],
    [" https://portal.example/cb", /white space/],
    ["https://portal.example/c\tb", /white space/],
    ["https://portal.example/cb\n", /white space/],
    ["", /characters/],
    [`https://portal.example/${"a".repeat(2000)}`, /characters/],
  ];
  for (const [uri, reason] of refused) {
    const problem = redirectUriProblem(uri);
    assert.ok(problem, `${uri} should be refused`);
    assert.match(problem, reason, uri);
  }
});
