import type { TicketEvent } from "@ticketd/shared/events/tickets.ts";
import type { RateSatisfaction } from "./commands.ts";
import { agent, customer, given, history, stranger } from "./testing.ts";

const rate = (rating: number, comment: string | null = null): RateSatisfaction => ({
  type: "RateSatisfaction",
  rating,
  comment,
});
const solved: TicketEvent & { type: "TicketStatusChanged" } = {
  type: "TicketStatusChanged",
  data: { from: "open", to: "solved" },
} as TicketEvent & { type: "TicketStatusChanged" };
const rated: TicketEvent = { type: "SatisfactionRated", data: { rating: 4, comment: null } };

Deno.test("RateSatisfaction - the requester rates a solved ticket, the comment sealed", () => {
  given(history(solved)).when(rate(5, "enc:comment"), customer).then([
    { type: "SatisfactionRated", data: { rating: 5, comment: "enc:comment" } },
  ]);
});

Deno.test("RateSatisfaction - a second answer is refused: the first one stands", () => {
  given([...history(solved), rated]).when(rate(1), customer).thenFails("survey_answered");
});

Deno.test("RateSatisfaction - a ticket not solved (or reopened) has no open survey", () => {
  given(history()).when(rate(3), customer).thenFails("survey_not_open");
});

Deno.test("RateSatisfaction - a ticket closed without ever being solved (an undone split) has no open survey", () => {
  const closed = (from: "open" | "solved") => ({
    ...solved,
    data: { from, to: "closed" as const },
  });
  given(history(closed("open"))).when(rate(3), customer).thenFails("survey_not_open");
  given([...history(solved), closed("solved")]).when(rate(4), customer).then([
    { type: "SatisfactionRated", data: { rating: 4, comment: null } },
  ]);
});

Deno.test("RateSatisfaction - only whole ratings from 1 to 5", () => {
  for (const rating of [0, 6, 2.5]) {
    given(history(solved)).when(rate(rating), customer).thenFails("invalid_rating");
  }
});

Deno.test("RateSatisfaction - nobody but the requester rates: an agent is refused", () => {
  given(history(solved)).when(rate(5), agent).thenFails("forbidden");
  given(history(solved)).when(rate(5), stranger).thenFails("ticket_not_found");
});
