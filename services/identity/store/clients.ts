/**
 * OAuth clients: confidential ones with a hashed secret, public ones (web console, customer
 * portal) without, each with exact redirect URIs, allowed grants and scopes.
 * @module
 */
import type { Sql } from "postgres";
import { fail } from "@ticketd/shared/errors.ts";
import type { IdentityRole } from "../domain/roles.ts";

export type GrantType = "authorization_code" | "refresh_token" | "client_credentials";
export const GRANT_TYPES: readonly GrantType[] = [
  "authorization_code",
  "refresh_token",
  "client_credentials",
];

export interface Client {
  clientId: string;
  tenant: string;
  name: string;
  /** Null for a public client. */
  secretHash: string | null;
  redirectUris: string[];
  grantTypes: GrantType[];
  scopes: string[];
  /** The role of its client_credentials tokens. */
  role: IdentityRole | null;
}

/** The clients table. */
export class ClientStore {
  constructor(private readonly sql: Sql) {}

  /** The client `clientId`, or null. */
  async find(clientId: string): Promise<Client | null> {
    const [row] = await this.sql<Client[]>`
      select client_id, tenant, name, secret_hash, redirect_uris, grant_types, scopes, role
      from identity_clients where client_id = ${clientId}`;
    return row ?? null;
  }

  /** Adds a client; 409 `client_exists` when the id is taken. */
  async create(client: Client): Promise<void> {
    const rows = await this.sql`
      insert into identity_clients
        (client_id, tenant, name, secret_hash, redirect_uris, grant_types, scopes, role)
      values (${client.clientId}, ${client.tenant}, ${client.name}, ${client.secretHash},
        ${client.redirectUris}, ${client.grantTypes}, ${client.scopes}, ${client.role})
      on conflict (client_id) do nothing returning client_id`;
    if (rows.length === 0) fail("client_exists", `A client "${client.clientId}" exists`, 409);
  }
}
