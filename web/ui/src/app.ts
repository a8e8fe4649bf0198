// What every page gets: the stream, navigation, notices and confirmations.

import { Stream } from "./stream";
import { h } from "./dom";
import { ApiError } from "./api";

export interface Ctx {
  stream: Stream;
  /** Route arguments after the page name: #/pair/<id> -> [id]. */
  args: string[];
  navigate(hash: string): void;
  notify(text: string, tone?: "good" | "bad" | "info"): void;
  /** Shows an API error (with every validation message) as a notice. */
  fail(e: unknown): void;
  /** Asks before an action; resolves true when confirmed. */
  confirm(title: string, body: string, action: string): Promise<boolean>;
}

export interface Page {
  id: string;
  title: string;
  /** Builds the page into `root`; returns the cleanup (unsubscribe, timers). */
  mount(root: HTMLElement, ctx: Ctx): () => void;
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    const list = e.errors.length ? `: ${e.errors.join("; ")}` : "";
    return `${e.message}${list} (${e.code}${e.status ? ", HTTP " + e.status : ""})`;
  }
  return String(e);
}

/** Polls `fn` every `ms` while the page is mounted; returns the stop. */
export function every(ms: number, fn: () => Promise<void> | void): () => void {
  let stopped = false;
  let timer: number | undefined;
  const run = async () => {
    try { await fn(); } catch { /* the page shows its own errors */ }
    if (!stopped) timer = window.setTimeout(run, ms);
  };
  void run();
  return () => { stopped = true; window.clearTimeout(timer); };
}

export function section(title: string, ...body: (Node | string)[]): HTMLElement {
  return h("section", { class: "panel" }, h("h2", {}, title), ...body);
}

/** A notice area inside a page (validation errors next to the form). */
export function errorBox(): HTMLElement {
  return h("div", { class: "errors", role: "alert", "aria-live": "assertive", hidden: true });
}

export function showErrors(box: HTMLElement, e: unknown | null): void {
  if (e === null) { box.hidden = true; box.replaceChildren(); return; }
  box.hidden = false;
  if (e instanceof ApiError && e.errors.length) {
    box.replaceChildren(h("strong", {}, e.message), h("ul", {}, e.errors.map((x) => h("li", {}, x))));
  } else {
    box.replaceChildren(h("strong", {}, errorText(e)));
  }
}
