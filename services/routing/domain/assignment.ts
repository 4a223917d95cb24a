/**
 * Who should take a ticket: the best available agent by skills, language, load and a fair
 * tie-break, with the reason spelled out; and which tickets go back to the queue when their
 * agent leaves. Pure: presence, load and the time of each agent's last assignment are passed in.
 * @module
 */
import type { RoutingTicket } from "./routing_ticket.ts";

export type PresenceStatus = "online" | "away" | "offline";

/** An agent's routing profile (store: `routing_agents`). */
export interface AgentProfile {
  tenant: string;
  /** The identity user id. */
  agentId: string;
  displayName: string;
  /** Lower case. */
  skills: readonly string[];
  /** BCP 47 tags in canonical case (`en`, `zh-CN`). */
  languages: readonly string[];
  groups: readonly string[];
  /** The most open tickets the agent may hold, at least 1. */
  capacity: number;
  active: boolean;
}

/** What a ticket asks of its agent. */
export interface AssignmentNeed {
  groupId: string | null;
  skills: readonly string[];
  language: string | null;
}

export interface AssignmentCandidate {
  agent: AgentProfile;
  status: PresenceStatus;
  /** Open tickets assigned to the agent now. */
  load: number;
  /** Epoch ms of the agent's last assignment; null = never assigned. */
  lastAssignedAt: number | null;
}

export interface AssignmentChoice {
  agentId: string;
  why: string;
}

/** 0 = exact language, 1 = same primary subtag, 2 = no match (or the ticket names none). */
type LanguageMatch = 0 | 1 | 2;

interface Ranked {
  candidate: AssignmentCandidate;
  language: LanguageMatch;
}

/**
 * The best agent for `need` among `candidates`, or null when none fits. Fits: online, active,
 * in the ticket's group (if it has one), below capacity, holding every required skill. Best:
 * language match (exact, then primary subtag), then least load relative to capacity, then the
 * longest wait since the last assignment (never assigned first), then the smallest id.
 */
export function pickAgent(
  need: AssignmentNeed,
  candidates: readonly AssignmentCandidate[],
): AssignmentChoice | null {
  const skills = need.skills.map((s) => s.toLowerCase());
  const language = need.language?.toLowerCase() ?? null;
  let best: Ranked | null = null;
  let runnerUp: Ranked | null = null;
  for (const candidate of candidates) {
    if (!fits(need.groupId, skills, candidate)) continue;
    const ranked = { candidate, language: languageMatch(language, candidate.agent.languages) };
    if (best === null || compare(ranked, best) < 0) [best, runnerUp] = [ranked, best];
    else if (runnerUp === null || compare(ranked, runnerUp) < 0) runnerUp = ranked;
  }
  if (best === null) return null;
  return { agentId: best.candidate.agent.agentId, why: explain(best, runnerUp, need.language) };
}

function fits(groupId: string | null, skills: string[], c: AssignmentCandidate): boolean {
  const { agent } = c;
  return c.status === "online" && agent.active && c.load < agent.capacity &&
    (groupId === null || agent.groups.includes(groupId)) &&
    skills.every((skill) => agent.skills.includes(skill));
}

function languageMatch(wanted: string | null, spoken: readonly string[]): LanguageMatch {
  if (wanted === null) return 2;
  const tags = spoken.map((tag) => tag.toLowerCase());
  if (tags.includes(wanted)) return 0;
  const primary = primarySubtag(wanted);
  return tags.some((tag) => primarySubtag(tag) === primary) ? 1 : 2;
}

function primarySubtag(tag: string): string {
  return tag.split("-", 1)[0];
}

/** The criteria in order, each negative when `a` is the better agent. */
const CRITERIA: readonly ((a: Ranked, b: Ranked) => number)[] = [
  (a, b) => a.language - b.language,
  (a, b) => relativeLoad(a.candidate, b.candidate),
  (a, b) => waited(a.candidate.lastAssignedAt, b.candidate.lastAssignedAt),
  (a, b) => compareIds(a.candidate.agent.agentId, b.candidate.agent.agentId),
];

function compare(a: Ranked, b: Ranked): number {
  for (const criterion of CRITERIA) {
    const order = criterion(a, b);
    if (order !== 0) return order;
  }
  return 0;
}

// load/capacity compared by cross-multiplying, so 1/3 and 2/6 are exactly equal.
function relativeLoad(a: AssignmentCandidate, b: AssignmentCandidate): number {
  return a.load * b.agent.capacity - b.load * a.agent.capacity;
}

// Never assigned (null) has waited longest; otherwise the earlier assignment wins.
function waited(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a - b;
}

/** Decimal ids by value (shorter is smaller), anything else by code units. */
export function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function explain(best: Ranked, runnerUp: Ranked | null, language: string | null): string {
  const { agent, load } = best.candidate;
  const fit = `agent ${agent.agentId} fits (online, load ${load}/${agent.capacity})`;
  if (runnerUp === null) return `${fit}; the only agent who does`;
  const decided = CRITERIA.findIndex((criterion) => criterion(best, runnerUp) !== 0);
  const other = runnerUp.candidate;
  switch (decided) {
    case 0:
      return `${fit}; ${best.language === 0 ? "speaks" : "speaks a variant of"} ${language}, ` +
        `agent ${other.agent.agentId} does ${runnerUp.language === 1 ? "only a variant" : "not"}`;
    case 1:
      return `${fit}; least loaded, agent ${other.agent.agentId} is at ` +
        `${other.load}/${other.agent.capacity}`;
    case 2:
      return `${fit}; waited longest since a last assignment, ahead of agent ` +
        other.agent.agentId;
    default:
      return `${fit}; equal to agent ${other.agent.agentId} on language, load and wait, ` +
        `smaller id`;
  }
}

/**
 * The tickets of `agentId` still `new` or `open` with no staff public reply since they were
 * assigned: they go back to the queue when the agent goes offline. A reply at the very instant of
 * assignment counts as attended.
 */
export function unattendedTickets(
  agentId: string,
  tickets: readonly RoutingTicket[],
): RoutingTicket[] {
  return tickets.filter((ticket) =>
    ticket.assigneeId === agentId &&
    (ticket.status === "new" || ticket.status === "open") &&
    !repliedSinceAssigned(ticket)
  );
}

function repliedSinceAssigned(ticket: RoutingTicket): boolean {
  if (ticket.lastStaffReplyAt === null) return false;
  if (ticket.assignedAt === null) return true; // assigned before routing knew: a reply is enough
  return Date.parse(ticket.lastStaffReplyAt) >= Date.parse(ticket.assignedAt);
}
