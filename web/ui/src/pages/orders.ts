// Orders & fills: the order transitions and booked fills, filtered by pair,
// venue, side, state and text; live from the orders/fills topics on top of
// the latest 1000 from REST; the full history as CSV from the store.

import { Page, section } from "../app";
import { Table, h, download } from "../dom";
import { api } from "../api";
import { clock, exact, money, isoTime } from "../format";

export interface OrderRow {
  seq: number; pair: string; client_id: string; venue: string; symbol: string; side: string; tif: string;
  purpose: string; price: string; qty: string; filled: string; fees: string; from: string; state: string;
  reason: string; ts_ns: number;
}
export interface FillRow {
  seq: number; pair: string; client_id: string; venue_order_id: string; fill_id: string; venue: string;
  symbol: string; side: string; price: string; qty: string; leaves_qty: string; fee: string; liquidity: string;
  ts_ns: number;
}

export interface Filters { pair: string; venue: string; side: string; state: string; purpose: string; text: string }

const TERMINAL = new Set(["filled", "cancelled", "rejected"]);

/** Orders matching the filters; state "open" = the latest transition of orders not yet terminal. */
export function filterOrders(rows: OrderRow[], f: Filters): OrderRow[] {
  let list = rows;
  if (f.state === "open") {
    const last = new Map<string, OrderRow>();
    for (const r of rows) last.set(r.client_id, r);
    list = [...last.values()].filter((r) => !TERMINAL.has(r.state));
  } else if (f.state) {
    list = list.filter((r) => r.state === f.state);
  }
  const text = f.text.trim().toLowerCase();
  return list.filter((r) => (!f.pair || r.pair === f.pair) && (!f.venue || r.venue === f.venue)
    && (!f.side || r.side === f.side) && (!f.purpose || r.purpose === f.purpose)
    && (!text || `${r.client_id} ${r.symbol} ${r.reason}`.toLowerCase().includes(text)));
}

export function filterFills(rows: FillRow[], f: Filters): FillRow[] {
  const text = f.text.trim().toLowerCase();
  return rows.filter((r) => (!f.pair || r.pair === f.pair) && (!f.venue || r.venue === f.venue)
    && (!f.side || r.side === f.side)
    && (!text || `${r.client_id} ${r.symbol} ${r.fill_id} ${r.venue_order_id}`.toLowerCase().includes(text)));
}

/** Merges log entries by seq (REST page + live topic), oldest first, at most `keep`. */
export function mergeBySeq<T extends { seq: number }>(a: T[], b: T[], keep = 5000): T[] {
  const m = new Map<number, T>();
  for (const x of a) m.set(x.seq, x);
  for (const x of b) m.set(x.seq, x);
  const out = [...m.values()].sort((x, y) => x.seq - y.seq);
  return out.length > keep ? out.slice(out.length - keep) : out;
}

function select(id: string, label: string, options: string[]): HTMLSelectElement {
  return h("select", { id, "aria-label": label }, h("option", { value: "" }, `${label}: all`),
    options.map((o) => h("option", { value: o }, o)));
}

function toNs(local: string): string {
  if (!local) return "";
  const ms = new Date(local).getTime();
  return Number.isFinite(ms) ? String(ms * 1_000_000) : "";
}

export const ordersPage: Page = {
  id: "orders",
  title: "Orders & fills",
  mount(root, ctx) {
    let orders: OrderRow[] = [];
    let fills: FillRow[] = [];
    const pairSel = select("f-pair", "pair", []);
    const venueSel = select("f-venue", "venue", []);
    const sideSel = select("f-side", "side", ["buy", "sell"]);
    const stateSel = select("f-state", "state", ["open", "sent", "acked", "partially_filled", "filled", "cancelled", "rejected", "expired"]);
    const purposeSel = select("f-purpose", "purpose", ["open", "close", "hedge", "unwind", "rebalance", "flatten"]);
    const text = h("input", { type: "search", id: "f-text", placeholder: "client id, symbol, reason ( / )", "aria-label": "search" });
    const from = h("input", { type: "datetime-local", id: "csv-from", "aria-label": "export from (local time)" });
    const to = h("input", { type: "datetime-local", id: "csv-to", "aria-label": "export to (local time)" });
    const count = h("span", { class: "muted", id: "orders-count" });
    const exportUrl = (kind: string) => {
      const q = new URLSearchParams();
      if (pairSel.value) q.set("pair", pairSel.value);
      const f = toNs(from.value), t = toNs(to.value);
      if (f) q.set("from", f);
      if (t) q.set("to", t);
      const qs = q.toString();
      return `/api/export/${kind}.csv${qs ? "?" + qs : ""}`;
    };
    const csvOrders = h("button", { type: "button", id: "csv-orders", class: "secondary" }, "Orders CSV");
    const csvFills = h("button", { type: "button", id: "csv-fills", class: "secondary" }, "Fills CSV");
    csvOrders.addEventListener("click", () => download(exportUrl("orders")));
    csvFills.addEventListener("click", () => download(exportUrl("fills")));

    const orderTable = new Table<OrderRow>([
      { title: "Time", cell: (o) => h("time", { title: isoTime(o.ts_ns) }, clock(o.ts_ns)) },
      { title: "Pair", cell: (o) => h("a", { href: `#/pair/${encodeURIComponent(o.pair)}` }, o.pair) },
      { title: "Venue", cell: (o) => o.venue },
      { title: "Side", cell: (o) => o.side, cls: (o) => o.side === "buy" ? "pos" : "neg" },
      { title: "Purpose", cell: (o) => o.purpose },
      { title: "TIF", cell: (o) => o.tif },
      { title: "Price", cell: (o) => exact(o.price), num: true },
      { title: "Qty", cell: (o) => exact(o.qty), num: true },
      { title: "Filled", cell: (o) => exact(o.filled), num: true },
      { title: "Fees", cell: (o) => money(o.fees, 4), num: true },
      { title: "State", cell: (o) => `${o.from} → ${o.state}` },
      { title: "Reason", cell: (o) => o.reason },
      { title: "Client id", cell: (o) => h("code", {}, o.client_id) },
    ], { label: "orders", empty: "no order matches" });
    const fillTable = new Table<FillRow>([
      { title: "Time", cell: (f) => h("time", { title: isoTime(f.ts_ns) }, clock(f.ts_ns)) },
      { title: "Pair", cell: (f) => f.pair },
      { title: "Venue", cell: (f) => f.venue },
      { title: "Side", cell: (f) => f.side, cls: (f) => f.side === "buy" ? "pos" : "neg" },
      { title: "Price", cell: (f) => exact(f.price), num: true },
      { title: "Qty", cell: (f) => exact(f.qty), num: true },
      { title: "Fee", cell: (f) => money(f.fee, 4), num: true },
      { title: "Liquidity", cell: (f) => f.liquidity },
      { title: "Fill id", cell: (f) => h("code", {}, f.fill_id) },
    ], { label: "fills", empty: "no fill matches" });

    const filters = (): Filters => ({ pair: pairSel.value, venue: venueSel.value, side: sideSel.value,
      state: stateSel.value, purpose: purposeSel.value, text: text.value });
    const render = () => {
      const f = filters();
      const o = filterOrders(orders, f);
      orderTable.update(o.slice(-500).reverse());
      const fl = filterFills(fills, f);
      fillTable.update(fl.slice(-500).reverse());
      count.textContent = `${o.length} orders, ${fl.length} fills shown (newest first)`;
    };
    for (const el of [pairSel, venueSel, sideSel, stateSel, purposeSel]) el.addEventListener("change", render);
    text.addEventListener("input", render);

    const options = (sel: HTMLSelectElement, values: string[]) => {
      const have = new Set([...sel.options].map((o) => o.value));
      for (const v of values.sort()) if (!have.has(v)) sel.append(h("option", { value: v }, v));
    };

    root.append(h("h1", {}, "Orders & fills"),
      section("Filters", h("div", { class: "toolbar wrap" }, pairSel, venueSel, sideSel, stateSel, purposeSel, text, count),
        h("div", { class: "toolbar wrap" }, h("span", { class: "muted" }, "Export from the store: "),
          h("label", {}, "from ", from), h("label", {}, "to ", to), csvOrders, csvFills)),
      section("Orders", h("div", { class: "scroll tall" }, orderTable.el)),
      section("Fills", h("div", { class: "scroll tall" }, fillTable.el)));
    render();

    void Promise.all([
      api.get<{ orders: OrderRow[] }>("/api/orders?limit=1000"),
      api.get<{ fills: FillRow[] }>("/api/fills?limit=1000"),
      api.get<{ pairs: { id: string; venue_a: string; venue_b: string }[] }>("/api/pairs"),
    ]).then(([o, f, p]) => {
      orders = mergeBySeq(o.orders, orders);
      fills = mergeBySeq(f.fills, fills);
      options(pairSel, p.pairs.map((x) => x.id));
      options(venueSel, [...new Set(p.pairs.flatMap((x) => [x.venue_a, x.venue_b]))]);
      render();
    }).catch(ctx.fail);

    const offs = [
      ctx.stream.subscribe("orders", (_t, d) => { orders = mergeBySeq(orders, d.log as unknown as OrderRow[]); render(); }),
      ctx.stream.subscribe("fills", (_t, d) => { fills = mergeBySeq(fills, d.log as unknown as FillRow[]); render(); }),
    ];
    return () => offs.forEach((f) => f());
  },
};
