/**
 * The live conversation of a chat hand-off ticket (docs/sessions.md, step 5): the transcript
 * from its first event, customer messages as they arrive over the workspace's sessions socket
 * (`attach` frames out, `event` frames in; no polling), and a composer that joins the
 * conversation on the agent's first message and sends through the sessions API, and "end chat".
 * A ticket belongs to a conversation by its tag `chat:<conversation id>`. Chat lines stay in
 * the conversation; when it ends the sessions service adds the whole transcript to the ticket
 * as an internal note. Everything said is shown as text.
 * @module
 */
import { h } from "../shared/dom.js";
import { language, t } from "../shared/i18n.js";
import { formatTime } from "../shared/time.js";
import { personName } from "./people.js";

const TAG = "chat:";
/** The sessions service's default `TICKETD_SESSIONS_MESSAGE_CHARS`; it refuses longer ones. */
const MESSAGE_CHARS = 4000;

/**
 * @typedef {{ role: "customer" | "bot" | "agent", id: string }} Participant
 * @typedef {{ seq: number, at: string, from: Participant, type: string, text?: string }}
 *   ChatEvent
 * @typedef {{ events: ChatEvent[], lastSeq: number, closed: boolean, agents: string[] }} Chat
 */

/**
 * The conversation a ticket was handed off from, or null.
 * @param {string[]} tags
 */
export function conversationOf(tags) {
  const tag = tags.find((t) => t.startsWith(TAG));
  return tag ? tag.slice(TAG.length) : null;
}

/** @returns {Chat} */
export function emptyChat() {
  return { events: [], lastSeq: 0, closed: false, agents: [] };
}

/**
 * The chat after one event (pure); an event at or below the last one seen (a replay after a
 * reconnect) changes nothing.
 * @param {Chat} chat
 * @param {ChatEvent} event
 * @returns {Chat}
 */
export function applyEvent(chat, event) {
  if (event.seq <= chat.lastSeq) return chat;
  const joined = event.type === "joined" && event.from.role === "agent" &&
    !chat.agents.includes(event.from.id);
  return {
    events: [...chat.events, event],
    lastSeq: event.seq,
    closed: chat.closed || event.type === "closed",
    agents: joined ? [...chat.agents, event.from.id] : chat.agents,
  };
}

/**
 * One transcript line for an event (pure), or null for what is not shown (typing, read).
 * @param {ChatEvent} event
 * @param {string} me
 * @returns {{ kind: string, who: string, text: string } | null}
 */
export function lineOf(event, me) {
  const { role, id } = event.from;
  const who = role === "bot"
    ? t("chat.bot")
    : role === "customer"
    ? t("chat.customer", { name: personName(id) })
    : id === me
    ? t("chat.you")
    : personName(id);
  switch (event.type) {
    case "message":
      return { kind: role, who, text: event.text ?? "" };
    case "joined":
      return role === "agent" ? { kind: "note", who, text: t("chat.joined", { name: who }) } : null;
    case "handed_off":
      return { kind: "note", who, text: t("chat.handedOff") };
    case "closed":
      return { kind: "note", who, text: t("chat.closed") };
    default:
      return null;
  }
}

/** @type {ReturnType<typeof chatDesk> | null} */
let active = null;

/**
 * The conversation panel for a chat hand-off ticket (null for other tickets). The ticket view
 * calls this each time it draws the ticket; the panel (and what is typed in it) survives.
 * @param {{ tags?: string[] }} ticket
 */
export function chatElement(ticket) {
  const conversationId = conversationOf(ticket.tags ?? []);
  if (!active) return null;
  if (!conversationId) {
    active.close();
    return null;
  }
  return active.open(conversationId);
}

/**
 * Starts the chat panel for the signed-in agent.
 * @param {{ send(frame: object): boolean, api: import("../shared/api.js").Api, me: string,
 *   failed(error: unknown): void }} deps
 */
export function chatDesk(deps) {
  /** @type {string | null} */
  let conversationId = null;
  let chat = emptyChat();
  let unavailable = false;
  const title = h("h3", { id: "chat-title" });
  // Scrollable, so reachable by keyboard (tabindex) and named for screen readers.
  const transcript = h("ol", {
    class: "chat-transcript",
    "aria-live": "polite",
    "aria-labelledby": "chat-title",
    tabindex: "0",
  });
  const status = h("p", { class: "hint", id: "chat-status" });
  const text = /** @type {HTMLTextAreaElement} */ (h("textarea", {
    id: "chat-text",
    maxlength: String(MESSAGE_CHARS),
    rows: "2",
  }));
  const label = h("label", { for: "chat-text" });
  const sendButton = /** @type {HTMLButtonElement} */ (h("button", {
    type: "submit",
    class: "primary",
    id: "chat-send",
  }));
  const endButton = /** @type {HTMLButtonElement} */ (h("button", {
    type: "button",
    id: "chat-end",
  }));
  const form = h(
    "form",
    { class: "chat-composer" },
    label,
    text,
    h(
      "div",
      { class: "actions" },
      sendButton,
      endButton,
    ),
  );
  const panel = h(
    "section",
    { id: "chat", "aria-labelledby": "chat-title" },
    title,
    transcript,
    status,
    form,
  );

  function draw() {
    title.textContent = t("chat.title");
    label.textContent = t("chat.label");
    sendButton.textContent = t("chat.send");
    endButton.textContent = t("chat.end");
    const lines = chat.events.flatMap((event) => {
      const line = lineOf(event, deps.me);
      if (!line) return [];
      return [h(
        "li",
        { class: `chat-${line.kind}` },
        h(
          "div",
          { class: "meta" },
          `${line.who} · `,
          h("time", { datetime: event.at }, formatTime(event.at, language())),
        ),
        line.kind === "note" ? h("p", { class: "hint" }, line.text) : h("p", {}, line.text),
      )];
    });
    transcript.replaceChildren(...lines);
    transcript.lastElementChild?.scrollIntoView({ block: "nearest" });
    const joined = chat.agents.includes(deps.me);
    status.textContent = unavailable
      ? t("chat.unavailable")
      : chat.closed
      ? t("chat.ended")
      : joined
      ? t("chat.joinedHint")
      : t("chat.joinHint");
    const off = unavailable || chat.closed;
    text.disabled = off;
    sendButton.disabled = off;
    endButton.disabled = off;
  }

  function attach() {
    if (!conversationId) return;
    deps.send({
      type: "attach",
      conversationId,
      afterSeq: chat.lastSeq,
      ref: `chat:${conversationId}`,
    });
  }

  /** Joins first when the agent is not in the conversation yet (joining takes it over). */
  async function asParticipant(/** @type {string} */ id) {
    const path = `/sessions/v1/sessions/conversations/${id}`;
    if (!chat.agents.includes(deps.me)) await deps.api.send("POST", `${path}/join`, undefined);
    return path;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const id = conversationId;
    const message = text.value.trim();
    if (!id || !message) return;
    sendButton.disabled = true;
    asParticipant(id).then((path) =>
      deps.api.send("POST", `${path}/messages`, {
        text: message,
        clientMessageId: crypto.randomUUID(),
      })
    ).then(() => {
      if (conversationId === id) text.value = "";
    }).catch(deps.failed).finally(draw);
  });
  endButton.addEventListener("click", () => {
    const id = conversationId;
    if (!id) return;
    asParticipant(id).then((path) => deps.api.send("POST", `${path}/close`, undefined))
      .catch(deps.failed);
  });

  const desk = {
    /** @param {string} id */
    open(id) {
      if (id !== conversationId) {
        desk.close();
        conversationId = id;
        attach();
      }
      draw();
      return panel;
    },
    /** Stops following the conversation (another ticket is open). */
    close() {
      if (conversationId) deps.send({ type: "detach", conversationId });
      conversationId = null;
      chat = emptyChat();
      unavailable = false;
      text.value = "";
    },
    /** @param {{ type: string, conversationId?: string, event?: ChatEvent, ref?: string }} frame */
    received(frame) {
      if (!conversationId) return;
      if (frame.type === "event" && frame.conversationId === conversationId && frame.event) {
        chat = applyEvent(chat, frame.event);
        draw();
      } else if (frame.type === "error" && frame.ref === `chat:${conversationId}`) {
        unavailable = true;
        draw();
      }
    },
    /** After a (re)connect the server knows nothing of this socket: attach from the last seen. */
    /** @param {boolean} on */
    live(on) {
      if (on) attach();
    },
  };
  active = desk;
  return desk;
}
