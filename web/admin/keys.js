/**
 * Keys, read-only: the token-signing keys of identity and the audit trail's signing keys, by
 * id and algorithm from their public key sets (never key material). The ticket-text keyring
 * has no HTTP API: it is rotated with `deno task keys` on the server (docs/crypto.md), so the
 * page shows those commands.
 * @module
 */
import { h, replaceChildren } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { failureText, heading } from "./panel.js";

const KEY_SETS = [
  { name: "identity", path: "/identity/.well-known/jwks.json" },
  { name: "audit", path: "/audit/audit/keys" },
];
const ROTATION = [
  "deno task keys add --file keyring.json --profile intl --id k2",
  "deno task keys rewrap",
  "deno task keys usage",
  "deno task keys retire --file keyring.json --id k1",
];

/**
 * @param {import("../shared/api.js").Api} api
 * @param {HTMLElement} root
 */
export function keysPanel(api, root) {
  async function show() {
    const sets = await Promise.all(KEY_SETS.map(async (set) => {
      try {
        return keyTable(set.name, (await api.get(set.path)).keys);
      } catch (error) {
        return h("p", { class: "error" }, failureText(error));
      }
    }));
    replaceChildren(root, heading("keys"), ...sets, keyring());
  }
  return { show };
}

/**
 * @param {string} name
 * @param {{ kid?: string, kty?: string, crv?: string, alg?: string }[]} keys
 */
function keyTable(name, keys) {
  const head = ["kid", "alg", "kty"].map((key) =>
    h("th", { scope: "col" }, t(`admin.keys.${key}`))
  );
  const rows = keys.map((key) =>
    h(
      "tr",
      {},
      h("td", {}, key.kid ?? ""),
      h("td", {}, key.alg ?? ""),
      h("td", {}, [key.kty, key.crv].filter(Boolean).join(" ")),
    )
  );
  return h(
    "table",
    { class: "admin-table", "data-keys": name },
    h("caption", {}, t(`admin.keys.${name}`)),
    h("thead", {}, h("tr", {}, ...head)),
    h("tbody", {}, ...rows),
  );
}

function keyring() {
  return h(
    "section",
    { class: "keyring" },
    h("h3", {}, t("admin.keys.keyring")),
    h("p", {}, t("admin.keys.keyringText")),
    h("pre", { class: "json" }, ROTATION.join("\n")),
  );
}
