/**
 * `deno task permissions-doc`: writes the tables of `domain/permissions.ts` into
 * `docs/permissions.md` between its markers; `tests/tickets_permissions_test.ts` checks they match.
 * @module
 */
import {
  type Action,
  ACTIONS,
  MATRIX_ROLES,
  PERMISSIONS,
  RELAYING_SERVICES,
  ROLE_SCOPES,
  SCOPES,
  VISIBILITY_EXAMPLES,
} from "../domain/permissions.ts";

export const START = "<!-- permissions:start (deno task permissions-doc writes this part) -->";
export const END = "<!-- permissions:end -->";

const yes = (allowed: boolean) => allowed ? "yes" : "no";
const row = (cells: string[]) => `| ${cells.join(" | ")} |`;

/** The tables: what each role may do, which tickets it sees, those by example, and relays. */
export function permissionTables(): string {
  const header = (first: string[]) => [
    row([...first, ...MATRIX_ROLES]),
    row([...first, ...MATRIX_ROLES].map(() => "---")),
  ];
  const actions = (Object.keys(ACTIONS) as Action[]).map((action) =>
    row([
      `\`${action}\``,
      ACTIONS[action],
      ...MATRIX_ROLES.map((r) => yes(PERMISSIONS[action].includes(r))),
    ])
  );
  const scopes = MATRIX_ROLES.map((r) => row([r, `\`${ROLE_SCOPES[r]}\``, SCOPES[ROLE_SCOPES[r]]]));
  const examples = Object.values(VISIBILITY_EXAMPLES).map(({ what, roles }) =>
    row([what, ...MATRIX_ROLES.map((r) => yes((roles as readonly string[]).includes(r)))])
  );
  const relays = Object.entries(RELAYING_SERVICES).map(([service, what]) =>
    row([`\`svc:${service}\``, what])
  );
  return [
    START,
    "",
    "### What each role may do on a ticket it can see",
    "",
    ...header(["action", "what"]),
    ...actions,
    "",
    "### Which tickets each role can see",
    "",
    row(["role", "scope", "sees"]),
    row(["---", "---", "---"]),
    ...scopes,
    "",
    "### Visibility by example",
    "",
    ...header(["ticket"]),
    ...examples,
    "",
    "### Services that may act for a ticket's requester",
    "",
    "A NATS ticket command with `onBehalfOf` is decided as that customer (their tickets only, a",
    "customer's rights); the commit's meta keeps the service as `relayedBy`. Other services: 403",
    "`relay_not_allowed`.",
    "",
    row(["service", "relays"]),
    row(["---", "---"]),
    ...relays,
    "",
    END,
  ].join("\n");
}

/** `doc` with the part between the markers replaced by the current tables. */
export function withTables(doc: string): string {
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error(`docs/permissions.md lacks the markers ${START}`);
  return doc.slice(0, from) + permissionTables() + doc.slice(to + END.length);
}

if (import.meta.main) {
  const path = new URL("../../../docs/permissions.md", import.meta.url);
  await Deno.writeTextFile(path, withTables(await Deno.readTextFile(path)));
  console.log(`wrote ${path.pathname}`);
}
