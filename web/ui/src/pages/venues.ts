// Venues: session state, book age, order latency, reconnects and resyncs,
// and the rate-limit headroom of each venue's key (venues topic, live);
// every book's age and top of book (REST, every 2 s).

import { Page, every, section } from "../app";
import { Table, badge, h } from "../dom";
import { api } from "../api";
import { age, exact, num } from "../format";
import type { Item } from "../stream";

export const venuesPage: Page = {
  id: "venues",
  title: "Venues",
  mount(root, ctx) {
    const rl = (v: Item) => (v.rate_limits ?? {}) as Record<string, number | string | boolean>;
    const headroom = (v: Item) => {
      const r = rl(v);
      if (r.headroom_ratio === undefined) return "—";
      const pct = Number(r.headroom_ratio) * 100;
      return h("span", { class: `util` }, h("span", { class: `util-bar ${pct < 20 ? "bad" : pct < 50 ? "warn" : "good"}`,
        style: `width:${Math.max(0, Math.min(100, pct)).toFixed(0)}%` }),
      h("span", { class: "util-text" }, `${pct.toFixed(0)} %`));
    };
    const table = new Table<Item>([
      { title: "Venue", cell: (v) => String(v.name) },
      { title: "State", cell: (v) => badge(String(v.state)) },
      { title: "Books", cell: (v) => `${String(v.synced_books)} / ${String(v.total_books)}`, num: true, hint: "synced / expected" },
      { title: "Max book age", cell: (v) => age(v.max_book_age_s as number | null), num: true },
      { title: "Latency ms", cell: (v) => num(v.latency_ms as number | null, 1), num: true, hint: "order round trip, smoothed" },
      { title: "Last ms", cell: (v) => num(v.last_latency_ms as number | null, 1), num: true },
      { title: "Sessions", cell: (v) => String(v.sessions), num: true },
      { title: "Reconnects", cell: (v) => String(v.reconnects), num: true },
      { title: "Resyncs", cell: (v) => String(v.resyncs), num: true },
      { title: "Rate-limit headroom", cell: headroom, hint: "smallest share left of the orders / cancels / weight budgets" },
      { title: "Orders", cell: (v) => `${String(rl(v).orders_available ?? "—")} / ${String(rl(v).orders_capacity ?? "—")}`, num: true },
      { title: "Weight", cell: (v) => `${String(rl(v).weight_available ?? "—")} / ${String(rl(v).weight_capacity ?? "—")}`, num: true },
      { title: "429 / 418", cell: (v) => `${String(rl(v).http_429 ?? 0)} / ${String(rl(v).http_418 ?? 0)}`, num: true },
      { title: "Detail", cell: (v) => String(v.detail || (rl(v).reason ?? "")) },
    ], { label: "venues", empty: "no venue yet" });
    interface BookRow { venue: string; symbol: string; synced: boolean; age_s: number; bid: string; ask: string; bid_qty: string; ask_qty: string; seq: number }
    const books = new Table<BookRow>([
      { title: "Venue", cell: (b) => b.venue },
      { title: "Symbol", cell: (b) => b.symbol },
      { title: "Synced", cell: (b) => badge(b.synced ? "ready" : "stale") },
      { title: "Age", cell: (b) => age(b.age_s), num: true, cls: (b) => `${b.age_s > 2 ? "neg" : ""}` },
      { title: "Bid", cell: (b) => `${exact(b.bid)} × ${exact(b.bid_qty)}`, num: true },
      { title: "Ask", cell: (b) => `${exact(b.ask)} × ${exact(b.ask_qty)}`, num: true },
      { title: "Seq", cell: (b) => String(b.seq), num: true },
    ], { label: "books" });
    const filter = h("input", { type: "search", id: "books-filter", placeholder: "venue or symbol ( / )", "aria-label": "filter books" });
    let bookRows: BookRow[] = [];
    const renderBooks = () => {
      const q = filter.value.trim().toLowerCase();
      books.update(bookRows.filter((b) => !q || `${b.venue} ${b.symbol}`.toLowerCase().includes(q)).slice(0, 500));
    };
    filter.addEventListener("input", renderBooks);
    root.append(h("h1", {}, "Venues"),
      section("Sessions", h("div", { class: "scroll" }, table.el)),
      section("Books", h("div", { class: "toolbar" }, filter), h("div", { class: "scroll tall" }, books.el)));
    // Session figures come live from the venues topic; the request budgets
    // (rate_limits) only with /api/venues, refreshed every 2 s: merged by name.
    let live: Item[] | null = null;
    let budgets = new Map<string, unknown>();
    const renderVenues = (rest?: Item[]) => {
      const rows = live ?? rest ?? [];
      table.update(rows.map((v) => ({ ...v, rate_limits: v.rate_limits ?? budgets.get(String(v.name)) })));
    };
    const load = async () => {
      const r = await api.get<{ venues: (Item & { books: Omit<BookRow, "venue">[] })[] }>("/api/venues");
      budgets = new Map(r.venues.map((v) => [String(v.name), v.rate_limits]));
      renderVenues(r.venues);
      bookRows = r.venues.flatMap((v) => v.books.map((b) => ({ ...b, venue: String(v.name) })));
      renderBooks();
    };
    const offs = [
      ctx.stream.subscribe("venues", (_t, d) => { live = [...d.keyed.values()]; renderVenues(); }),
      every(2000, load),
    ];
    return () => offs.forEach((f) => f());
  },
};
