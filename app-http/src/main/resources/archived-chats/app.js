// The "Archived chats" page: lists the signed-in user's archived conversations and opens,
// restores, deletes and exports them through the service's public API, with the user's
// Supabase access token. Plain script, no build step.
"use strict";

const API = "/v1/users/me";
const PAGE_SIZE = 50;
const TOKEN_KEY = "convo-archive.access-token";

const $ = (id) => document.getElementById(id);
let nextCursor = null;
/** The search shown, or null for the whole archive. It lives here only: the address bar never changes. */
let searching = null;

/** The token: from the link the chat app opened (#access_token=...), else from this tab's session. */
function token() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.has("access_token")) {
    sessionStorage.setItem(TOKEN_KEY, fragment.get("access_token"));
    history.replaceState(null, "", location.pathname + location.search); // keep it out of history
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** A 401: the session ended (its token expired), or the token never was a valid one. */
class SignedOut extends Error {
  constructor(expired) {
    super(expired ? "expired" : "invalid");
    this.expired = expired;
  }
}

/**
 * Calls the API; a 401 signs out (saying whether the session expired or the token was not valid),
 * any other problem (a 503 while a store is down included: the session is kept) is shown as the
 * service says it.
 */
async function call(method, path, { raw = false } = {}) {
  const response = await fetch(API + path, { method, headers: { Authorization: "Bearer " + token() } });
  if (response.status === 401) {
    let code = "";
    try {
      code = (await response.json()).code || "";
    } catch (ignored) {
      // not problem+json: an invalid token
    }
    throw new SignedOut(code === "token-expired");
  }
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || detail;
    } catch (ignored) {
      // not problem+json: keep the status text
    }
    throw new Error(detail);
  }
  if (raw || response.status === 204) {
    return response;
  }
  return response.json();
}

function say(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

function show(view) {
  for (const id of ["sign-in", "archive", "conversation"]) {
    $(id).hidden = id !== view;
  }
  $("account").hidden = view === "sign-in";
}

function signIn(reason) {
  sessionStorage.removeItem(TOKEN_KEY);
  searching = null;
  $("sign-in-title").textContent = reason || "Sign in to see your archived chats";
  say("");
  show("sign-in");
}

/** Runs an action, turning an ended session into the sign-in prompt and other failures into a message. */
async function attempt(action) {
  try {
    await action();
  } catch (error) {
    if (error instanceof SignedOut) {
      signIn(error.expired ? "Your session has expired. Sign in again to see your archived chats."
          : "That sign-in link or token is not valid. Sign in again to see your archived chats.");
    } else {
      // Still signed in: on a first load that failed (a 503 while Supabase Auth or a store is
      // down), show the archive's frame with the message, so sign-out and a reload stay at hand.
      if (["sign-in", "archive", "conversation"].every((id) => $(id).hidden)) {
        show("archive");
      }
      say(error.message, true);
    }
  }
}

function when(instant) {
  return new Date(instant).toLocaleString();
}

function entryItem(entry) {
  const item = document.createElement("li");
  item.dataset.id = entry.id;
  const title = document.createElement("span");
  title.className = "title";
  title.textContent = entry.title || "Untitled chat";
  const details = document.createElement("span");
  details.className = "when";
  details.textContent = `Archived ${when(entry.archivedAt)} · ${entry.messageCount} messages`;
  item.append(title, details);
  if (entry.snippet !== undefined) {
    item.append(snippet(entry.snippet, entry.highlights || []));
  }
  item.append(
    button("Open", () => open(entry)),
    button("Restore", () => restore(entry, item)),
    button("Delete", () => remove(entry, item), "danger"));
  return item;
}

/** The snippet as text, its matched words in <mark>: built from text nodes, never parsed as HTML. */
function snippet(text, highlights) {
  const element = document.createElement("p");
  element.className = "snippet";
  let at = 0;
  for (const [start, end] of highlights) {
    if (start < at || end > text.length) {
      continue;
    }
    element.append(document.createTextNode(text.slice(at, start)));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    element.append(mark);
    at = end;
  }
  element.append(document.createTextNode(text.slice(at)));
  return element;
}

function button(label, onClick, className) {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = label;
  if (className) {
    element.className = className;
  }
  element.addEventListener("click", () => attempt(onClick));
  return element;
}

async function list(more = false) {
  const query = `?limit=${PAGE_SIZE}` + (searching ? `&q=${encodeURIComponent(searching)}` : "")
    + (more && nextCursor ? `&cursor=${encodeURIComponent(nextCursor)}` : "");
  const page = await call("GET", "/archive" + query);
  if (!more) {
    $("entries").replaceChildren();
  }
  page.items.forEach((entry) => $("entries").append(entryItem(entry)));
  nextCursor = page.nextCursor || null;
  $("more").hidden = !nextCursor;
  emptiness();
  $("clear-search").hidden = searching === null;
  show("archive");
}

/** Says so when the list is empty: nothing archived, or nothing matching the search. */
function emptiness() {
  const none = $("entries").children.length === 0;
  $("empty").hidden = !none || searching !== null;
  $("no-match").hidden = !none || searching === null;
}

/** Searches (or, with an empty box, lists everything) without touching the address bar. */
function search(text) {
  searching = text.trim() === "" ? null : text.trim();
  nextCursor = null;
  return list();
}

async function open(entry) {
  const conversation = await call("GET", "/archive/" + encodeURIComponent(entry.id));
  $("conversation-title").textContent = conversation.title || "Untitled chat";
  $("messages").replaceChildren(...conversation.messages.map((message) => {
    const item = document.createElement("li");
    item.className = message.role;
    const role = document.createElement("span");
    role.className = "role";
    role.textContent = message.role;
    item.append(role, document.createTextNode(message.content));
    return item;
  }));
  say("");
  show("conversation");
}

async function restore(entry, item) {
  await call("POST", "/archive/" + encodeURIComponent(entry.id) + "/restore");
  item.remove();
  emptiness();
  say(`"${entry.title || "Untitled chat"}" is back in your chats.`);
}

async function remove(entry, item) {
  if (!confirm(`Delete "${entry.title || "Untitled chat"}" for good? This cannot be undone.`)) {
    return;
  }
  await call("DELETE", "/archive/" + encodeURIComponent(entry.id));
  item.remove();
  emptiness();
  say(`"${entry.title || "Untitled chat"}" is deleted.`);
}

async function exportAll() {
  const response = await call("GET", "/export", { raw: true });
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = "archived-chats.ndjson";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  say("Your archived chats are downloaded as archived-chats.ndjson (one JSON conversation per line).");
}

document.addEventListener("DOMContentLoaded", () => {
  $("sign-in-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
    $("token").value = "";
    attempt(() => list());
  });
  $("sign-out").addEventListener("click", () => signIn());
  $("export").addEventListener("click", () => attempt(exportAll));
  $("more").addEventListener("click", () => attempt(() => list(true)));
  $("search").addEventListener("submit", (event) => {
    event.preventDefault(); // no ?q= in the address: the page's address stays as it was opened
    attempt(() => search($("query").value));
  });
  $("clear-search").addEventListener("click", () => {
    $("query").value = "";
    attempt(() => search(""));
  });
  $("close").addEventListener("click", () => show("archive"));
  // A link with a new #access_token opened in this tab changes only the fragment: start again.
  window.addEventListener("hashchange", () => {
    if (location.hash.includes("access_token=")) {
      begin();
    }
  });
  begin();
});

function begin() {
  if (token()) {
    attempt(() => list());
  } else {
    signIn();
  }
}
