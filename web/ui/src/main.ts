// The console's shell: navigation, connection indicator, node status strip,
// token entry, hash routing and keyboard shortcuts. Pages live in pages/.

import "./style.css";
import { api, setToken, token } from "./api";
import { Ctx, Page, errorText } from "./app";
import { badge, h } from "./dom";
import { Stream, ConnState } from "./stream";
import { marketPage } from "./pages/market";
import { pairPage } from "./pages/pair";
import { ordersPage } from "./pages/orders";
import { positionsPage } from "./pages/positions";
import { riskPage } from "./pages/risk";
import { venuesPage } from "./pages/venues";
import { configPage } from "./pages/config";
import { eventsPage } from "./pages/events";

const pages: Page[] = [marketPage, pairPage, ordersPage, positionsPage, riskPage, venuesPage,
  configPage, eventsPage];
const navPages = pages.filter((p) => p.id !== "pair");

const stream = new Stream(token);
const app = document.getElementById("app")!;

// -- shell -------------------------------------------------------------------
const conn = h("button", { class: "conn", id: "conn", type: "button", "aria-live": "polite",
  title: "Live stream state (click to enter the API token)" },
  h("span", { class: "dot" }), h("span", { class: "conn-text" }, "connecting"));
const nodeStrip = h("div", { class: "node-strip", id: "node-strip", "aria-label": "node status" });
const menuButton = h("button", { class: "menu", type: "button", "aria-expanded": "false",
  "aria-controls": "nav", title: "Menu" }, "☰");
const nav = h("nav", { id: "nav", "aria-label": "pages" },
  navPages.map((p, i) => h("a", { href: `#/${p.id}`, "data-page": p.id,
    title: `${p.title} (key ${i + 1})` }, p.title)));
const main = h("main", { id: "main", tabindex: -1 });
const toasts = h("div", { class: "toasts", role: "status", "aria-live": "polite" });

app.append(
  h("header", { class: "top" },
    h("div", { class: "brand" }, menuButton, h("a", { href: "#/market", class: "logo" }, "xarb")),
    nav, h("div", { class: "top-right" }, nodeStrip, conn)),
  main, toasts);

menuButton.addEventListener("click", () => {
  const open = !nav.classList.contains("open");
  nav.classList.toggle("open", open);
  menuButton.setAttribute("aria-expanded", String(open));
});

stream.onState((s: ConnState, detail: string) => {
  conn.className = `conn ${s}`;
  conn.querySelector(".conn-text")!.textContent = s;
  conn.setAttribute("title", `live stream: ${s}${detail ? " — " + detail : ""}`);
  conn.setAttribute("data-state", s);
  if (s === "unauthorized") askToken(detail);
});
conn.addEventListener("click", () => askToken(""));

// -- notices and confirmations ---------------------------------------------
function notify(text: string, tone: "good" | "bad" | "info" = "info"): void {
  const t = h("div", { class: `toast ${tone}`, role: tone === "bad" ? "alert" : "status" }, text);
  toasts.append(t);
  window.setTimeout(() => t.remove(), tone === "bad" ? 12_000 : 5_000);
}

function confirmDialog(title: string, body: string, action: string): Promise<boolean> {
  return new Promise((resolve) => {
    const dlg = h("dialog", { class: "confirm", "aria-label": title },
      h("h2", {}, title), h("p", {}, body),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "secondary", value: "no" }, "Cancel"),
        h("button", { type: "button", class: "danger", value: "yes" }, action)));
    document.body.append(dlg);
    dlg.addEventListener("click", (ev) => {
      const b = (ev.target as HTMLElement).closest("button");
      if (b) dlg.close(b.value);
    });
    dlg.addEventListener("close", () => { resolve(dlg.returnValue === "yes"); dlg.remove(); });
    dlg.showModal();
    (dlg.querySelector("button.secondary") as HTMLButtonElement).focus();
  });
}

// -- token entry (first visit, or when the node refuses the token) -------------
let tokenDialogOpen = false;
function askToken(why: string): void {
  if (tokenDialogOpen) return;
  tokenDialogOpen = true;
  const input = h("input", { type: "password", id: "token-input", autocomplete: "current-password",
    spellcheck: "false", minlength: 16, required: true, "aria-describedby": "token-help" });
  const err = h("p", { class: "form-error", role: "alert" }, why);
  // novalidate: the console's own check below explains what is wrong.
  const form = h("form", { method: "dialog", novalidate: true },
    h("h2", {}, "API token"),
    h("p", { id: "token-help" }, "Reading needs no token; live updates and every command do. ",
      "It is in the node's data directory: ", h("code", {}, "cat data/api_token"),
      " (or XARB_API_TOKEN). It is kept in this browser only."),
    h("label", { for: "token-input" }, "Token"), input, err,
    h("div", { class: "actions" },
      h("button", { type: "button", class: "secondary", id: "token-later" }, "Later"),
      h("button", { type: "submit", id: "token-save" }, "Connect")));
  const dlg = h("dialog", { class: "token", "aria-label": "API token" }, form);
  document.body.append(dlg);
  const done = () => { tokenDialogOpen = false; dlg.remove(); };
  form.querySelector("#token-later")!.addEventListener("click", () => { dlg.close(); });
  dlg.addEventListener("close", done);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const t = input.value.trim();
    if (t.length < 16 || /\s/.test(t)) {
      err.textContent = "a token has at least 16 characters and no spaces";
      return;
    }
    setToken(t);
    dlg.close();
    stream.restart();
  });
  dlg.showModal();
  input.focus();
}

// -- node status strip --------------------------------------------------------
interface NodeStatus {
  node: { name: string; version: string; data: string; execution: string; engine_running: boolean;
    trade_mode: string; live_order_enabled: boolean; ready: boolean; uptime_s: number };
}
async function refreshNode(): Promise<void> {
  try {
    const s = await api.get<NodeStatus>("/api/status");
    const n = s.node;
    nodeStrip.replaceChildren(
      h("span", { class: "node-name", title: `xarb ${n.version}, up ${Math.round(n.uptime_s)} s` }, n.name),
      badge(n.ready ? "ready" : "starting"),
      h("span", { class: "chip", title: "market data source" }, `data ${n.data}`),
      h("span", { class: `chip ${n.live_order_enabled ? "live" : ""}`, id: "exec-chip",
        title: "order execution" }, n.live_order_enabled ? "LIVE orders" : `${n.execution} orders`),
      h("span", { class: "chip", title: "engine" }, n.engine_running ? "engine on" : "engine off"),
      h("span", { class: "chip", title: "trade mode" }, n.trade_mode));
  } catch (e) {
    nodeStrip.replaceChildren(h("span", { class: "chip bad" }, `node unreachable: ${errorText(e)}`));
  }
}
void refreshNode();
window.setInterval(refreshNode, 5000);

// -- routing ------------------------------------------------------------------
let cleanup: (() => void) | null = null;
function route(): void {
  const hash = location.hash.replace(/^#\/?/, "") || "market";
  const [id, ...rest] = hash.split("/");
  const page = pages.find((p) => p.id === id) ?? pages[0];
  cleanup?.();
  cleanup = null;
  main.replaceChildren();
  for (const a of nav.querySelectorAll("a")) {
    const on = a.getAttribute("data-page") === page.id || (page.id === "pair" && a.getAttribute("data-page") === "market");
    a.classList.toggle("active", on);
    if (on) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  nav.classList.remove("open");
  menuButton.setAttribute("aria-expanded", "false");
  document.title = `${page.title} · xarb`;
  main.setAttribute("data-page", page.id);
  const ctx: Ctx = {
    stream, args: rest.map((r) => decodeURIComponent(r)),
    navigate: (h2) => { location.hash = h2; },
    notify, fail: (e) => notify(errorText(e), "bad"), confirm: confirmDialog,
  };
  try {
    cleanup = page.mount(main, ctx);
  } catch (e) {
    main.append(h("p", { class: "form-error" }, `this page failed: ${String(e)}`));
  }
}
window.addEventListener("hashchange", route);

// Keys 1..8 switch pages, "/" focuses the page's filter; never while typing.
window.addEventListener("keydown", (ev) => {
  const t = ev.target as HTMLElement;
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (t.closest("input, textarea, select, dialog, [contenteditable]")) return;
  const n = Number(ev.key);
  if (Number.isInteger(n) && n >= 1 && n <= navPages.length) {
    location.hash = `#/${navPages[n - 1].id}`;
    ev.preventDefault();
  } else if (ev.key === "/") {
    const f = main.querySelector<HTMLInputElement>("input[type=search]");
    if (f) { f.focus(); ev.preventDefault(); }
  }
});

route();
stream.start();
if (!token()) askToken("");
