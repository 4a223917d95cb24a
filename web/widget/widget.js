/**
 * The chat widget a site embeds:
 *   <script src="https://desk.example/widget.js" data-tenant="demo"
 *     data-token-url="/ticketd/chat-token" async></script>
 * One classic script (a cross-origin module would need CORS): a button opens a panel in a
 * shadow root, so the host page's CSS cannot reach it, with its styles in a constructed
 * sheet (no <style> element for the host's CSP to refuse); inherited properties are set on
 * its own elements, since a host rule with !important on the host element beats `:host`.
 * (A host rule hiding the host element itself still hides the widget.) The token comes from the
 * host's own `data-token-url` (the site signs its customer in; `{"token": "..."}`); the panel
 * talks to the sessions service over the gateway's WebSocket: bot first, then a person after
 * the hand-off. Where the socket never gets through (a network blocking WebSockets), it falls
 * back to the HTTP routes: POST to open and send, the SSE events read with fetch (EventSource
 * cannot send the bearer token). Text is set as text only.
 */
(() => {
  const script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  if (!script) return;
  const gateway = new URL(script.src).origin;
  const tenant = script.dataset.tenant ?? "";
  const tokenUrl = script.dataset.tokenUrl ?? "/ticketd/chat-token";
  const PING_MS = 45_000;
  /** @type {Record<string, Record<string, string>>} */
  const TEXT = {
    en: {
      open: "Chat with us",
      close: "Close chat",
      title: "Support chat",
      label: "Your message",
      send: "Send",
      human: "Talk to a person",
      humanAsk: "I would like to talk to a human agent, please.",
      bot: "Assistant",
      agent: "Support",
      you: "You",
      waiting: "Connecting…",
      handedOff: "A person will answer here soon.",
      failed: "The chat is unavailable ({code}).",
    },
    zh: {
      open: "在线咨询",
      close: "关闭对话",
      title: "客服对话",
      label: "您的消息",
      send: "发送",
      human: "转人工客服",
      humanAsk: "请帮我转人工客服。",
      bot: "智能助手",
      agent: "客服",
      you: "您",
      waiting: "正在连接…",
      handedOff: "人工客服将很快在此回复。",
      failed: "对话暂不可用（{code}）。",
    },
  };
  let lang = (navigator.languages ?? []).some((l) => l.toLowerCase().startsWith("zh"))
    ? "zh"
    : "en";
  const say = (/** @type {string} */ key, code = "") => TEXT[lang][key].replace("{code}", code);

  /**
   * @param {string} tag
   * @param {Record<string, string>} [attributes]
   * @param {(Node | string)[]} children
   */
  const h = (tag, attributes = {}, ...children) => {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    el.append(...children);
    return el;
  };

  const host = h("div", { "data-ticketd-widget": tenant });
  const root = host.attachShadow({ mode: "open" });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`
    :host { all: initial; position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; }
    section, button, input { font: 14px/1.4 system-ui, "Noto Sans CJK SC", sans-serif;
      color: #1b1b1b; }
    button { cursor: pointer; border: 0; border-radius: 6px; padding: 8px 12px;
      background: #1f4e79; color: #fff; }
    button.plain { background: #eef3f8; color: #1f4e79; }
    button:disabled { cursor: default; opacity: 0.6; }
    section { width: 320px; height: 420px; display: flex; flex-direction: column;
      background: #fff; border: 1px solid #c8c8c8; border-radius: 8px;
      box-shadow: 0 4px 16px #0003; }
    header { display: flex; justify-content: space-between; align-items: center;
      padding: 8px 12px; background: #1f4e79; color: #fff; border-radius: 8px 8px 0 0; }
    h2 { font-size: 15px; margin: 0; }
    .log { flex: 1; overflow: auto; margin: 0; padding: 8px 12px; }
    p { margin: 6px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
    p b { display: block; font-size: 12px; color: #4a4a4a; }
    p.note { color: #4a4a4a; font-style: italic; }
    form { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #c8c8c8; }
    input { flex: 1; font: inherit; padding: 6px; border: 1px solid #767676; border-radius: 4px; }
    .row { display: flex; gap: 6px; padding: 0 8px 8px; }
    [hidden] { display: none !important; }
  `);
  root.adoptedStyleSheets = [sheet];

  const opener = h("button", { type: "button", part: "opener" }, say("open"));
  const closer = h("button", { type: "button", class: "plain" }, "×");
  const log = h("div", { class: "log", role: "log", "aria-live": "polite", tabindex: "0" });
  const input = /** @type {HTMLInputElement} */ (h("input", { maxlength: "4000" }));
  const send = h("button", { type: "submit" }, say("send"));
  const human = /** @type {HTMLButtonElement} */ (
    h("button", { type: "button", class: "plain" }, say("human"))
  );
  const title = h("h2", {}, say("title"));
  const form = h("form", {}, input, send);
  const panel = h(
    "section",
    { role: "dialog" },
    h("header", {}, title, closer),
    log,
    form,
    h("div", { class: "row" }, human),
  );
  panel.hidden = true;
  root.append(opener, panel);

  /** @type {WebSocket | null} */
  let socket = null;
  let token = "";
  /** The socket never got through: HTTP from here on (`following` while the events stream). */
  let http = false;
  let following = false;
  let ended = false;
  const api = `${gateway}/api/sessions/v1/sessions/conversations`;
  /** @type {string | null} */
  let conversationId = null;
  let lastSeq = 0;
  let sent = 0;
  /** @type {Set<string>} */
  const shown = new Set();

  const labelled = () => {
    opener.textContent = say("open");
    closer.setAttribute("aria-label", say("close"));
    input.setAttribute("aria-label", say("label"));
    panel.setAttribute("aria-label", say("title"));
    title.textContent = say("title");
    send.textContent = say("send");
    human.textContent = say("human");
  };

  const line = (/** @type {string} */ who, /** @type {string} */ text, kind = "message") => {
    log.append(h("p", { class: kind }, ...(who ? [h("b", {}, who)] : []), text));
    log.scrollTop = log.scrollHeight;
  };

  /** @param {Record<string, any>} event */
  const showEvent = (event) => {
    lastSeq = Math.max(lastSeq, event.seq ?? 0);
    if (event.type === "message" && !shown.has(event.messageId)) {
      shown.add(event.messageId);
      const role = event.from?.role;
      const who = role === "customer" ? say("you") : role === "bot" ? say("bot") : say("agent");
      line(who, String(event.text ?? ""), role);
    } else if (event.type === "handed_off") {
      line("", say("handedOff"), "note");
      human.hidden = true; // a person is on the way: asking again would only repeat it
    } else if (event.type === "closed") ended = true;
  };

  const frame = (/** @type {Record<string, unknown>} */ body) => socket?.send(JSON.stringify(body));

  const connect = async () => {
    const answer = await fetch(
      `${tokenUrl}${tokenUrl.includes("?") ? "&" : "?"}tenant=${encodeURIComponent(tenant)}`,
      { credentials: "same-origin" },
    );
    if (!answer.ok) throw new Error(`token_${answer.status}`);
    token = (await answer.json()).token;
    if (http) return follow();
    socket = new WebSocket(`${gateway.replace(/^http/, "ws")}/api/sessions/sessions/socket`);
    const current = socket;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    let ping;
    let ready = false;
    current.onopen = () => current.send(JSON.stringify({ type: "auth", token }));
    current.onmessage = (message) => {
      const data = JSON.parse(String(message.data));
      if (data.type === "ready") {
        ready = true;
        ping = setInterval(() => frame({ type: "ping" }), PING_MS);
        frame(
          conversationId ? { type: "attach", conversationId, afterSeq: lastSeq } : {
            type: "open",
          },
        );
      } else if (data.type === "opened") {
        conversationId = data.conversation.conversationId;
        queued.splice(0).forEach(post);
      } else if (data.type === "event") showEvent(data.event);
      else if (data.type === "error") {
        human.disabled = false;
        line("", say("failed", String(data.code)), "note");
      }
    };
    current.onclose = () => {
      clearInterval(ping);
      socket = null; // opening the panel again reconnects
      if (!ready) http = true;
      if (!panel.hidden) setTimeout(() => socket ?? connect().catch(failed), http ? 0 : 2_000);
    };
  };

  /** @param {string} path @param {unknown} [body] */
  const call = async (path, body) => {
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const answer = await fetch(api + path, {
      method: "POST",
      headers,
      body: JSON.stringify(body ?? {}),
    });
    if (!answer.ok) throw new Error(`http_${answer.status}`);
    return answer.json();
  };

  /** Opens the conversation if need be, then reads its events after `lastSeq` until they end. */
  const follow = async () => {
    if (following) return;
    following = true;
    try {
      if (!conversationId) {
        conversationId = (await call("")).conversationId;
        queued.splice(0).forEach(post);
      }
      const answer = await fetch(`${api}/${conversationId}/events`, {
        headers: { authorization: `Bearer ${token}`, "last-event-id": String(lastSeq) },
      });
      if (!answer.ok || !answer.body) throw new Error(`http_${answer.status}`);
      const reader = answer.body.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      for (let next; !(next = await reader.read()).done;) {
        const blocks = (text += next.value).split("\n\n");
        text = blocks.pop() ?? "";
        for (const block of blocks) {
          const data = block.split("\n").find((l) => l.startsWith("data: "));
          if (data) showEvent(JSON.parse(data.slice(6)));
        }
      }
    } finally {
      following = false;
    }
    if (!panel.hidden && !ended) setTimeout(() => follow().catch(failed), 2_000);
  };

  const failed = (/** @type {Error} */ error) => {
    human.disabled = false;
    line("", say("failed", error.message), "note");
  };

  /** Typed before the conversation is open: sent once it is. @type {string[]} */
  const queued = [];
  const post = (/** @type {string} */ text) => {
    if (!text) return;
    if (!conversationId) return void queued.push(text);
    const message = { text, clientMessageId: `w${Date.now()}-${++sent}` };
    if (http) call(`/${conversationId}/messages`, message).catch(failed);
    else frame({ type: "message", conversationId, ...message });
  };

  opener.addEventListener("click", () => {
    panel.hidden = false;
    opener.hidden = true;
    input.focus();
    if (http) follow().catch(failed);
    else if (!socket) {
      line("", say("waiting"), "note");
      connect().catch(failed);
    }
  });
  closer.addEventListener("click", () => {
    panel.hidden = true;
    opener.hidden = false;
    opener.focus();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    post(input.value.trim());
    input.value = "";
  });
  // Disabled once asked (a double-click asks once); hidden when the hand-off comes.
  human.addEventListener("click", () => {
    human.disabled = true;
    post(say("humanAsk"));
  });
  labelled();
  Object.defineProperty(globalThis, "ticketdWidget", {
    value: Object.freeze({
      /** Switches the panel's language ("en" or "zh"). */
      language(/** @type {string} */ next) {
        if (!(next in TEXT)) return;
        lang = next;
        labelled();
      },
    }),
  });
  document.body.append(host);
})();
