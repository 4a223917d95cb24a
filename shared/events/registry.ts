/**
 * Versioned event definitions: each event type is declared once with the schema of its current
 * version and upcasters that lift older payloads, so events written years ago still decode.
 * @module
 */
import type { z } from "zod";
import { DomainError } from "../errors.ts";

/** One event type: its current version, schema, and `upcasters[n]` turning vN data into vN+1. */
export interface EventDefinition<S extends z.ZodType> {
  readonly version: number;
  readonly schema: S;
  readonly upcasters: Readonly<Record<number, (data: unknown) => unknown>>;
}

/** Declares an event type at `version`; pass upcasters for every older version still stored. */
export function defineEvent<S extends z.ZodType>(
  version: number,
  schema: S,
  upcasters: Record<number, (data: unknown) => unknown> = {},
): EventDefinition<S> {
  for (let v = 1; v < version; v++) {
    if (!upcasters[v]) throw new Error(`Missing upcaster from v${v} to v${v + 1}`);
  }
  return { version, schema, upcasters };
}

/** An event as stored: type name, schema version and payload. */
export interface StoredEvent {
  type: string;
  v: number;
  data: unknown;
}

/** Lifts `stored` to the current version of its definition and validates it. */
export function upcastAndParse<S extends z.ZodType>(
  definition: EventDefinition<S>,
  stored: StoredEvent,
): z.infer<S> {
  if (!Number.isInteger(stored.v) || stored.v < 1 || stored.v > definition.version) {
    throw new DomainError(
      "unknown_event_version",
      `Cannot read ${stored.type} v${stored.v}: this build knows up to v${definition.version}`,
      500,
    );
  }
  let data = stored.data;
  for (let v = stored.v; v < definition.version; v++) data = definition.upcasters[v](data);
  return definition.schema.parse(data);
}
