// Events: what pair traders, venue sessions, the risk guard, the scanner
// and operators reported, newest first; live from the events topic on top
// of the latest 1000; filter by severity, source and text; CSV export.

import { Page, section } from "../app";
import { Table, badge, h, download } from "../dom";
import { api } from "../api";
import { isoTime } from "../format";
import { mergeBySeq } from "./orders";

export interface EventRow { seq: number; ts_ns: number; severity: string; source: string; text: string }

const ORDER = ["debug", "info", "warning", "error", "critical"];

export function filterEvents(rows: EventRow[], minSeverity: string, text: string): EventRow[] {
  const min = Math.max(0, ORDER.indexOf(minSeverity));
  const q = text.trim().toLowerCase();
  return rows.filter((e) => Math.max(0, ORDER.indexOf(e.severity)) >= min
    && (!q || `${e.source} ${e.text}`.toLowerCase().includes(q)));
}

export const eventsPage: Page = {
  id: "events",
  title: "Events",
  mount(root, ctx) {
    let rows: EventRow[] = [];
    const sev = h("select", { id: "ev-severity", "aria-label": "minimum severity" },
      ORDER.map((s) => h("option", { value: s, selected: s === "info" }, `${s} and above`)));
    const text = h("input", { type: "search", id: "ev-text", placeholder: "source or text ( / )", "aria-label": "search events" });
    const count = h("span", { class: "muted", id: "ev-count" });
    const csv = h("button", { type: "button", class: "secondary", id: "ev-csv" }, "Events CSV");
    csv.addEventListener("click", () => download("/api/export/events.csv"));
    const table = new Table<EventRow>([
      { title: "Time (UTC)", cell: (e) => isoTime(e.ts_ns) },
      { title: "Severity", cell: (e) => badge(e.severity) },
      { title: "Source", cell: (e) => e.source },
      { title: "Event", cell: (e) => e.text },
    ], { label: "events", empty: "no event matches" });
    const render = () => {
      const shown = filterEvents(rows, sev.value, text.value);
      table.update(shown.slice(-1000).reverse());
      count.textContent = `${shown.length} of ${rows.length}`;
    };
    sev.addEventListener("change", render);
    text.addEventListener("input", render);
    root.append(h("h1", {}, "Events"),
      section("Log", h("div", { class: "toolbar wrap" }, sev, text, count, csv), h("div", { class: "scroll tall" }, table.el)));
    render();
    void api.get<{ events: EventRow[] }>("/api/events?limit=1000").then((r) => {
      rows = mergeBySeq(r.events, rows);
      render();
    }).catch(ctx.fail);
    const off = ctx.stream.subscribe("events", (_t, d) => { rows = mergeBySeq(rows, d.log as unknown as EventRow[]); render(); });
    return off;
  },
};
