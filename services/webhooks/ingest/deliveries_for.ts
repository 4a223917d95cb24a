/**
 * Which deliveries a batch of events makes: one per event and enabled subscription of the
 * event's own tenant whose patterns cover its type (a tenant's hook never sees another's events).
 * @module
 */
import type { SnowflakeGenerator } from "@ticketd/shared/ids/snowflake.ts";
import { matchesAny } from "../domain/event_types.ts";
import { payloadOf, type WebhookEvent } from "../domain/webhook_events.ts";
import type { QueuedDelivery } from "../store/outbox.ts";
import type { SubscriptionStore } from "../store/subscriptions.ts";

/** The deliveries for `events`, against the subscriptions enabled right now. */
export async function deliveriesFor(
  events: WebhookEvent[],
  subscriptions: SubscriptionStore,
  ids: SnowflakeGenerator,
): Promise<QueuedDelivery[]> {
  if (events.length === 0) return [];
  const tenants = [...new Set(events.map((event) => event.tenant))];
  const enabled = await subscriptions.enabledOf(tenants);
  const deliveries: QueuedDelivery[] = [];
  for (const event of events) {
    for (const subscription of enabled) {
      if (subscription.tenant !== event.tenant) continue;
      if (!matchesAny(subscription.eventTypes, event.type)) continue;
      deliveries.push({
        id: ids.next(),
        subscriptionId: subscription.id,
        tenant: event.tenant,
        eventId: event.id,
        eventType: event.type,
        payload: payloadOf(event),
      });
    }
  }
  return deliveries;
}
