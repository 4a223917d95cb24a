/**
 * Keys: the token-signing keys of identity and the audit trail's signing keys, by id and
 * algorithm from their public key sets; the ticket-text keyring from the tickets service's
 * `/v1/keyring` (KEK ids, profile, active or retiring, how many data keys each wraps; never key
 * material), with "Rewrap data keys" and its progress. Adding and retiring a KEK edit the
 * keyring file on the server, so those stay commands (docs/crypto.md).
 * @module
 */
import { h, replaceChildren } from "../shared/dom.js";
import { language, t } from "../shared/i18n.js";
import { formatTime } from "../shared/time.js";
import { failureText, heading } from "./panel.js";

const KEY_SETS = [
  { name: "identity", path: "/identity/.well-known/jwks.json" },
  { name: "audit", path: "/audit/audit/keys" },
];
const KEYRING = "/tickets/v1/keyring";
const ON_THE_SERVER = [
  "deno task keys add --file keyring.json --profile intl --id k2",
  "# restart the services on the new keyring, rewrap, then:",
  "deno task keys retire --file keyring.json --id k1",
];
/** How often a running rewrap's progress is read again (only while one runs). */
const PROGRESS_MS = 1_000;

/**
 * @param {import("../shared/api.js").Api} api
 * @param {HTMLElement} root
 */
export function keysPanel(api, root) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let following;

  async function show() {
    clearTimeout(following);
    const sets = await Promise.all(KEY_SETS.map(async (set) => {
      try {
        return keyTable(set.name, (await api.get(set.path)).keys);
      } catch (error) {
        return h("p", { class: "error" }, failureText(error));
      }
    }));
    replaceChildren(root, heading("keys"), ...sets, await keyring());
  }

  async function keyring() {
    const section = h(
      "section",
      { class: "keyring" },
      h("h3", {}, t("admin.keys.keyring")),
      h("p", {}, t("admin.keys.keyringText")),
    );
    try {
      const answer = await api.get(KEYRING);
      section.append(kekTable(answer.keks), rewrapControl(answer.rewrap));
    } catch (error) {
      section.append(h("p", { class: "error" }, failureText(error)));
    }
    section.append(h("pre", { class: "json" }, ON_THE_SERVER.join("\n")));
    return section;
  }

  /** @param {Rewrap | null} rewrap */
  function rewrapControl(rewrap) {
    const line = h("p", { class: "rewrap-status", role: "status" }, rewrapText(rewrap));
    const problem = h("p", { class: "error", role: "alert" });
    const button = h("button", { type: "button", class: "primary" }, t("admin.keys.rewrap"));
    button.toggleAttribute("disabled", rewrap?.state === "running");
    button.addEventListener("click", async () => {
      problem.textContent = "";
      try {
        const started = await api.send("POST", `${KEYRING}/rewrap`, undefined);
        follow(started.rewrap);
      } catch (error) {
        problem.textContent = failureText(error);
      }
    });
    /** Reads the progress again while the rewrap runs, then draws the keyring once more. */
    function follow(/** @type {Rewrap} */ now) {
      line.textContent = rewrapText(now);
      button.toggleAttribute("disabled", now.state === "running");
      if (now.state === "running" || now.recorded === null) {
        following = setTimeout(() => {
          api.get(KEYRING).then((answer) => follow(answer.rewrap)).catch((error) => {
            problem.textContent = failureText(error);
          });
        }, PROGRESS_MS);
      } else {
        show().catch((error) => (problem.textContent = failureText(error)));
      }
    }
    if (rewrap?.state === "running") follow(rewrap);
    return h("div", { class: "rewrap" }, button, line, problem);
  }

  return { show };
}

/** @param {Rewrap | null} rewrap */
function rewrapText(rewrap) {
  if (!rewrap) return t("admin.keys.rewrap.none");
  const counts = { checked: String(rewrap.checked), rewrapped: String(rewrap.rewrapped) };
  if (rewrap.state === "running") return t("admin.keys.rewrap.running", counts);
  if (rewrap.state === "failed") {
    return t("admin.keys.rewrap.failed", { ...counts, code: rewrap.error ?? "" });
  }
  const time = formatTime(rewrap.finishedAt ?? rewrap.startedAt, language());
  return t("admin.keys.rewrap.done", { ...counts, time });
}

/** @param {Kek[]} keks */
function kekTable(keks) {
  const head = ["id", "alg", "profile", "status", "dataKeys"].map((key) =>
    h("th", { scope: "col" }, t(`admin.keys.${key}`))
  );
  const rows = keks.map((kek) =>
    h(
      "tr",
      { "data-kek": kek.id, "data-status": kek.status },
      h("td", {}, kek.id),
      h("td", {}, kek.alg),
      h("td", {}, kek.profile ?? ""),
      h("td", {}, t(`admin.keys.status.${kek.status}`)),
      h("td", {}, String(kek.dataKeys)),
    )
  );
  return h(
    "table",
    { class: "admin-table", "data-keys": "keyring" },
    h("caption", {}, t("admin.keys.keyringCaption")),
    h("thead", {}, h("tr", {}, ...head)),
    h("tbody", {}, ...rows),
  );
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

/**
 * @typedef {{ id: string, alg: string, profile: string | null,
 *   status: "active" | "retiring" | "missing", dataKeys: number }} Kek
 * @typedef {{ state: "running" | "done" | "failed", checked: number, rewrapped: number,
 *   startedAt: string, finishedAt: string | null, startedBy: string,
 *   recorded: boolean | null, error: string | null }} Rewrap
 */
