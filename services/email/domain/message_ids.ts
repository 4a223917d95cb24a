/**
 * The Message-IDs of the mail Ticketd sends: `<ticketd.<tenant>.<ticket id>.<event id>@<domain>>`.
 * They name their ticket, so a customer's reply (In-Reply-To, References) finds it again, and so
 * a mail that comes back with one of ours is recognised as our own (a loop or a bounce).
 * @module
 */

const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const TICKET_ID = /^[1-9][0-9]{0,18}$/;
/** An event id: a snowflake, or a snowflake and an index (`<command id>-<n>`). */
const EVENT_ID = /^[0-9a-z][0-9a-z-]{0,39}$/;
const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const PARSED =
  /^<?ticketd\.([a-z0-9][a-z0-9_-]{0,62})\.([1-9][0-9]{0,18})\.([0-9a-z][0-9a-z-]{0,39})@([^<>@\s]+)>?$/;

/** What one of our Message-IDs names. */
export interface MessageIdParts {
  tenant: string;
  ticketId: string;
  eventId: string;
  domain: string;
}

/** The Message-ID (with its angle brackets) of the mail sent for `eventId` of a ticket. */
export function messageIdFor(
  tenant: string,
  ticketId: string,
  eventId: string,
  domain: string,
): string {
  const host = domain.toLowerCase();
  if (!TENANT.test(tenant)) throw new RangeError(`Not a tenant name: "${tenant}"`);
  if (!TICKET_ID.test(ticketId)) throw new RangeError(`Not a ticket id: "${ticketId}"`);
  if (!EVENT_ID.test(eventId)) throw new RangeError(`Not an event id: "${eventId}"`);
  if (!DOMAIN.test(host)) throw new RangeError(`Not a mail domain: "${domain}"`);
  return `<ticketd.${tenant}.${ticketId}.${eventId}@${host}>`;
}

/** The ticket one of our Message-IDs names, or null for anyone else's (brackets optional). */
export function ticketOfMessageId(id: string): MessageIdParts | null {
  const match = PARSED.exec(id.trim().toLowerCase());
  if (!match) return null;
  const [, tenant, ticketId, eventId, domain] = match;
  return { tenant, ticketId, eventId, domain };
}
