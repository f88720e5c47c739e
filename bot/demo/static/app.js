// The demo page: one Telegram-like chat per seeded person, live through server-sent events.
// Message HTML comes from the server already reduced to Telegram's formatting tags.
"use strict";

const state = {
  phones: new Map(), // key -> {info, el, chat, messages: Map(id -> element)}
  clock: { offset_seconds: 0, timezone: "Europe/Madrid" },
  seq: 0,
  source: null,
};

const $ = (sel, root = document) => root.querySelector(sel);

function setStatus(text) {
  $("#status").textContent = text || "";
}

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(data.error || `${response.status} ${response.statusText}`);
  }
  return data;
}

// --- the clock -----------------------------------------------------------------------------

function botNow() {
  return new Date(Date.now() + state.clock.offset_seconds * 1000);
}

function formatWhen(date, withDay) {
  const options = { timeZone: state.clock.timezone, hour: "2-digit", minute: "2-digit" };
  if (withDay) Object.assign(options, { weekday: "short", day: "numeric", month: "short" });
  return new Intl.DateTimeFormat("en-GB", options).format(date);
}

function formatOffset(seconds) {
  if (seconds <= 0) return "real time";
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const parts = [];
  if (days) parts.push(`${days} day${days === 1 ? "" : "s"}`);
  if (hours) parts.push(`${hours} h`);
  if (minutes && !days) parts.push(`${minutes} min`);
  return `+${parts.join(" ")} ahead`;
}

function drawClock() {
  $("#clock-now").textContent = formatWhen(botNow(), true);
  $("#clock-offset").textContent = formatOffset(state.clock.offset_seconds);
  document.body.dataset.offset = String(state.clock.offset_seconds);
}

function setClock(clock) {
  state.clock = clock;
  drawClock();
}

// --- phones --------------------------------------------------------------------------------

function buildPhone(info) {
  const el = $("#phone-template").content.firstElementChild.cloneNode(true);
  el.dataset.phone = info.key;
  el.dataset.role = info.role;
  el.dataset.locale = info.locale;
  $(".owner-name", el).textContent = `${info.name}`;
  $(".owner-about", el).textContent = `${info.about} · ${info.locale}`;
  const chat = $(".chat", el);
  chat.dir = info.dir; // right to left for Arabic
  chat.lang = info.locale;
  $(".input", el).lang = info.locale;
  const phone = { info, el, chat, messages: new Map() };

  $(".composer", el).addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $(".input", el);
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    send(phone, text);
  });
  $(".menu-button", el).addEventListener("click", () => toggleMenu(phone));
  chat.addEventListener("click", (event) => {
    const command = event.target.closest("a.tg-command");
    if (command) {
      event.preventDefault();
      send(phone, command.dataset.command);
      return;
    }
    const spoiler = event.target.closest("tg-spoiler");
    if (spoiler) spoiler.classList.add("revealed");
  });
  return phone;
}

async function send(phone, text) {
  closeMenu(phone);
  try {
    await api(`/api/phones/${phone.info.key}/send`, { text });
  } catch (error) {
    showToast(phone, error.message);
  }
}

async function press(phone, messageId, button, data) {
  button.classList.add("pressed");
  setTimeout(() => button.classList.remove("pressed"), 1500);
  try {
    await api(`/api/phones/${phone.info.key}/press`, { message_id: messageId, data });
  } catch (error) {
    showToast(phone, error.message);
  }
}

function closeMenu(phone) {
  $(".menu", phone.el).hidden = true;
}

async function toggleMenu(phone) {
  const menu = $(".menu", phone.el);
  if (!menu.hidden) {
    menu.hidden = true;
    return;
  }
  let commands = [];
  try {
    commands = await api(`/api/phones/${phone.info.key}/commands`);
  } catch (error) {
    showToast(phone, error.message);
    return;
  }
  menu.replaceChildren();
  menu.dir = phone.info.dir;
  if (!commands.length) {
    const empty = document.createElement("div");
    empty.className = "menu-empty";
    empty.textContent = "No commands";
    menu.append(empty);
  }
  for (const item of commands) {
    const row = document.createElement("button");
    row.type = "button";
    row.className = "menu-item";
    row.dataset.command = item.command;
    row.setAttribute("role", "menuitem");
    const name = document.createElement("span");
    name.className = "menu-command";
    name.textContent = `/${item.command}`;
    name.dir = "ltr";
    const description = document.createElement("span");
    description.className = "menu-description";
    description.textContent = item.description;
    description.dir = "auto";
    row.append(name, description);
    row.addEventListener("click", () => send(phone, `/${item.command}`));
    menu.append(row);
  }
  menu.hidden = false;
}

function showToast(phone, text) {
  if (!text) return;
  const toast = $(".toast", phone.el);
  toast.textContent = text;
  toast.dir = "auto";
  toast.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { toast.hidden = true; }, 3500);
}

function showTyping(phone) {
  const status = $(".chat-status", phone.el);
  status.textContent = "typing…";
  clearTimeout(status.timer);
  status.timer = setTimeout(() => { status.textContent = "bot"; }, 3000);
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function drawMessage(phone, message) {
  const wrap = document.createElement("div");
  wrap.className = `message ${message.from_bot ? "from-bot" : "from-me"}`;
  wrap.dataset.messageId = String(message.id);
  wrap.dataset.from = message.from_bot ? "bot" : "me";
  if (message.deleted) {
    wrap.classList.add("deleted");
    return wrap;
  }
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  if (message.document) {
    const file = document.createElement("a");
    file.className = "document";
    file.href = message.document.url;
    file.download = message.document.name;
    const icon = document.createElement("span");
    icon.className = "document-icon";
    const extension = message.document.name.includes(".")
      ? message.document.name.split(".").pop().slice(0, 4).toUpperCase()
      : "FILE";
    icon.textContent = message.document.photo ? "IMG" : extension;
    const label = document.createElement("span");
    label.className = "document-label";
    const name = document.createElement("span");
    name.className = "document-name";
    name.textContent = message.document.name;
    name.dir = "auto";
    const size = document.createElement("span");
    size.className = "document-size";
    size.textContent = formatSize(message.document.size);
    size.dir = "ltr";
    label.append(name, size);
    file.append(icon, label);
    bubble.append(file);
  }
  if (message.text) {
    const text = document.createElement("div");
    text.className = "text";
    text.dir = "auto";
    text.innerHTML = message.html; // safe: built by the server from Telegram's entities only
    bubble.append(text);
  }
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = (message.edited ? "edited " : "") + formatWhen(new Date(message.date * 1000), false);
  bubble.append(meta);
  wrap.append(bubble);

  if (message.buttons && message.buttons.length) {
    const keyboard = document.createElement("div");
    keyboard.className = "keyboard";
    message.buttons.forEach((row, r) => {
      const line = document.createElement("div");
      line.className = "keyboard-row";
      row.forEach((button, c) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "key";
        b.dir = "auto";
        b.textContent = button.text;
        b.dataset.row = String(r);
        b.dataset.col = String(c);
        if (button.data !== null && button.data !== undefined) {
          b.dataset.callback = button.data;
          b.addEventListener("click", () => press(phone, message.id, b, button.data));
        } else if (button.url) {
          b.classList.add("url");
          b.addEventListener("click", () => window.open(button.url, "_blank", "noopener"));
        }
        line.append(b);
      });
      keyboard.append(line);
    });
    wrap.append(keyboard);
  }
  return wrap;
}

function upsertMessage(phone, message) {
  const existing = phone.messages.get(message.id);
  const el = drawMessage(phone, message);
  if (existing) {
    existing.replaceWith(el); // an edit: in place, like Telegram
  } else {
    const chat = phone.chat;
    $(".placeholder", chat)?.remove();
    chat.append(el);
    chat.scrollTop = chat.scrollHeight;
    if (phone.el.hidden && message.from_bot) setUnread(phone, (phone.unread || 0) + 1);
  }
  phone.messages.set(message.id, el);
  phone.el.dataset.version = String(Number(phone.el.dataset.version || 0) + 1);
}

function placeholder(phone) {
  const p = document.createElement("div");
  p.className = "placeholder";
  p.textContent = "Tap ☰ Menu for the commands, or type /help";
  phone.chat.append(p);
}

function setUnread(phone, count) {
  phone.unread = count;
  if (!phone.badge) return;
  phone.badge.textContent = String(count);
  phone.badge.hidden = count === 0;
}

function drawPeople() {
  const nav = $("#people");
  nav.replaceChildren();
  const label = document.createElement("span");
  label.className = "people-label";
  label.textContent = "Phones:";
  nav.append(label);
  for (const phone of state.phones.values()) {
    const chip = document.createElement("label");
    chip.className = "chip";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = !phone.el.hidden;
    box.dataset.toggle = phone.info.key;
    box.addEventListener("change", () => {
      phone.el.hidden = !box.checked;
      if (box.checked) {
        phone.chat.scrollTop = phone.chat.scrollHeight;
        setUnread(phone, 0);
      }
    });
    const text = document.createElement("span");
    text.textContent = `${phone.info.first_name} (${phone.info.role})`;
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.hidden = true;
    badge.title = "new messages on this phone";
    phone.badge = badge;
    setUnread(phone, phone.unread || 0);
    chip.append(box, text, badge);
    nav.append(chip);
  }
}

// Loads run one after the other; events that arrive while one runs are applied after it,
// unless the state it fetched already holds them.
let loading = Promise.resolve();
let buffered = null;

function load() {
  loading = loading.then(loadNow, loadNow);
  return loading;
}

async function loadNow() {
  buffered = [];
  try {
    const data = await api("/api/state");
    draw(data);
    for (const event of buffered) {
      if (event.seq > data.seq) applyEvent(event);
    }
  } finally {
    buffered = null;
  }
}

function draw(data) {
  const shown = new Map([...state.phones.values()].map((p) => [p.info.key, !p.el.hidden]));
  state.phones.clear();
  const container = $("#phones");
  container.replaceChildren();
  for (const info of data.phones) {
    const phone = buildPhone(info);
    phone.el.hidden = !(shown.has(info.key) ? shown.get(info.key) : info.shown);
    state.phones.set(info.key, phone);
    container.append(phone.el);
    if (!info.messages.length) placeholder(phone);
    for (const message of info.messages) upsertMessage(phone, message);
  }
  drawPeople();
  setClock(data.clock);
  state.seq = Math.max(state.seq, data.seq);
  document.body.dataset.ready = "1";
}

function onEvent(event) {
  state.seq = Math.max(state.seq, event.seq || 0);
  if (buffered) buffered.push(event);
  else applyEvent(event);
}

function applyEvent(event) {
  if (event.type === "reset") {
    setClock(event.clock);
    load().catch((error) => setStatus(error.message));
    return;
  }
  if (event.type === "clock") {
    setClock(event.clock);
    return;
  }
  const phone = state.phones.get(event.phone);
  if (!phone) return;
  if (event.type === "message") upsertMessage(phone, event.message);
  else if (event.type === "toast") showToast(phone, event.text);
  else if (event.type === "action") showTyping(phone);
}

function listen() {
  if (state.source) state.source.close();
  const source = new EventSource(`/api/events?after=${state.seq}`);
  source.onmessage = (message) => onEvent(JSON.parse(message.data));
  source.onopen = () => setStatus("");
  source.onerror = () => setStatus("Reconnecting to the demo…");
  state.source = source;
}

async function skip(minutes, button) {
  button.disabled = true;
  try {
    const result = await api("/api/clock/skip", { minutes });
    setClock(result);
  } catch (error) {
    setStatus(error.message);
  } finally {
    button.disabled = false;
  }
}

async function reset(button) {
  button.disabled = true;
  try {
    await api("/api/reset", {});
    await load(); // the event stream says so too; this page need not wait for it
  } catch (error) {
    setStatus(error.message);
  } finally {
    button.disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  for (const button of document.querySelectorAll("[data-skip]")) {
    button.addEventListener("click", () => skip(Number(button.dataset.skip), button));
  }
  $("#reset").addEventListener("click", (event) => reset(event.currentTarget));
  document.addEventListener("click", (event) => {
    for (const phone of state.phones.values()) {
      if (!phone.el.contains(event.target)) closeMenu(phone);
    }
  });
  try {
    await load();
    listen();
  } catch (error) {
    setStatus(`The demo is not answering: ${error.message}`);
  }
  setInterval(drawClock, 1000);
});
