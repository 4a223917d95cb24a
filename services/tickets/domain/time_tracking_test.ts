import type { TicketEvent } from "@ticketd/shared/events/tickets.ts";
import type { LogTime } from "./commands.ts";
import { agent, customer, given, history, supervisor } from "./testing.ts";

const log = (seconds: number, note: string | null = null): LogTime => ({
  type: "LogTime",
  entryId: "500",
  seconds,
  note,
});
const logged = (agentId: string, seconds: number): TicketEvent => ({
  type: "TimeLogged",
  data: { entryId: "499", agentId, seconds, note: null },
});

Deno.test("LogTime - records the time under the acting agent, with the sealed note", () => {
  given(history()).when(log(900, "enc:note")).then([{
    type: "TimeLogged",
    data: { entryId: "500", agentId: agent.id, seconds: 900, note: "enc:note" },
  }]);
});

Deno.test("LogTime - a negative entry corrects the agent's own time on the ticket", () => {
  given([...history(), logged(agent.id, 900)]).when(log(-600)).then([{
    type: "TimeLogged",
    data: { entryId: "500", agentId: agent.id, seconds: -600, note: null },
  }]);
});

Deno.test("LogTime - a correction may not take back more than the agent logged", () => {
  given([...history(), logged(agent.id, 300), logged(supervisor.id, 3_600)])
    .when(log(-600))
    .thenFails("time_below_zero");
});

Deno.test("LogTime - zero seconds is refused", () => {
  given(history()).when(log(0)).thenFails("invalid_time");
});

Deno.test("LogTime - customers may not log time", () => {
  given(history()).when(log(60), customer).thenFails("forbidden");
});
