/**
 * The service's own request rules, run locally for `--dry-run`: the `createTicket` schema and the
 * tag rule, so a dry run refuses what the API would refuse, with the same codes.
 * @module
 */
import { DomainError } from "@ticketd/shared/errors.ts";
import { normaliseTags } from "../domain/tags.ts";
import { type HttpLimits, requestSchemas } from "../http/schemas.ts";
import type { CreateTicketRequest } from "./request.ts";

/** A refusal: the API's code and message. */
export interface Refusal {
  code: string;
  detail: string;
}

/** A checker for `limits` and `maxTags`; null means the API would accept the request. */
export function requestValidator(limits: HttpLimits, maxTags: number) {
  const schema = requestSchemas(limits).createTicket;
  const encoder = new TextEncoder();
  return (request: CreateTicketRequest): Refusal | null => {
    const bytes = encoder.encode(JSON.stringify(request)).length;
    if (bytes > limits.maxRequestBytes) {
      return { code: "request_too_large", detail: `${bytes} bytes` };
    }
    const parsed = schema.safeParse(request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { code: "invalid_request", detail: `${issue.path.join(".")}: ${issue.message}` };
    }
    try {
      normaliseTags(parsed.data.tags, maxTags);
    } catch (error) {
      if (error instanceof DomainError) return { code: error.code, detail: error.message };
      throw error;
    }
    return null;
  };
}
