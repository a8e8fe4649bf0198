// Market: the scanner's top cross-venue spreads (rankings topic, live),
// funding differentials (REST, every 5 s) and the latest signals (signals
// topic). A row opens its pair when xarb trades that pair.

import { Page, every, section } from "../app";
import { Table, h } from "../dom";
import { api } from "../api";
import { bps, num, signClass, exact, age, clock } from "../format";
import type { Item } from "../stream";

interface Row {
  rank: number; symbol: string; venue_a: string; venue_b: string; sell_venue: string; buy_venue: string;
  bid_a: string; ask_a: string; bid_b: string; ask_b: string; spread_bps: number; notional_spread_bps: number;
  leverage: number; funding_diff_bps: number | null; funding_diff_apr_pct: number | null; fees_bps: number;
  carry_bps: number | null; stale: boolean; age_ms_a: number | null; age_ms_b: number | null;
}
interface FundingRow {
  symbol: string; max_diff_bps: number | null; max_diff_apr_pct: number | null; short_venue: string;
  long_venue: string; venues: { venue: string; rate: string | null; basis_bps: number | null; apr_pct: number | null }[];
}

export const sortKeys = {
  notional: (r: Row) => r.notional_spread_bps,
  spread: (r: Row) => r.spread_bps,
  funding: (r: Row) => r.funding_diff_bps ?? -Infinity,
  carry: (r: Row) => r.carry_bps ?? -Infinity,
} as const;

/** The traded pair for a scanner row, whichever way round it is configured. */
export function pairIdFor(pairs: Set<string>, r: { symbol: string; venue_a: string; venue_b: string }): string | null {
  const ab = `${r.symbol}:${r.venue_a}/${r.venue_b}`;
  const ba = `${r.symbol}:${r.venue_b}/${r.venue_a}`;
  return pairs.has(ab) ? ab : pairs.has(ba) ? ba : null;
}

export const marketPage: Page = {
  id: "market",
  title: "Market",
  mount(root, ctx) {
    let pairs = new Set<string>();
    let rows: Row[] = [];
    const sortSel = h("select", { id: "market-sort", "aria-label": "sort by" },
      Object.keys(sortKeys).map((k) => h("option", { value: k }, k)));
    const filter = h("input", { type: "search", id: "market-filter", placeholder: "symbol or venue  ( / )",
      "aria-label": "filter rows by symbol or venue" });
    const stale = h("span", { class: "muted", id: "market-stale" });
    const open = (r: Row) => {
      const id = pairIdFor(pairs, r);
      if (id) ctx.navigate(`#/pair/${encodeURIComponent(id)}`);
      else ctx.notify(`${r.symbol} on ${r.venue_a}/${r.venue_b} is not a traded pair (add a [[pairs]] entry)`, "info");
    };
    const table = new Table<Row>([
      { title: "#", cell: (r) => r.rank, num: true },
      { title: "Symbol", cell: (r) => {
        const id = pairIdFor(pairs, r);
        return id ? h("a", { href: `#/pair/${encodeURIComponent(id)}`, class: "row-link" }, r.symbol) : r.symbol;
      } },
      { title: "Sell / buy", cell: (r) => `${r.sell_venue} → ${r.buy_venue}`, hint: "sell on the first venue, buy on the second" },
      { title: "Bid A / ask A", cell: (r) => `${exact(r.bid_a)} / ${exact(r.ask_a)}`, num: true, hint: "venue A" },
      { title: "Bid B / ask B", cell: (r) => `${exact(r.bid_b)} / ${exact(r.ask_b)}`, num: true, hint: "venue B" },
      { title: "Spread bps", cell: (r) => bps(r.spread_bps), num: true, cls: (r) => `${signClass(r.spread_bps)}` },
      { title: "×Lev bps", cell: (r) => `${bps(r.notional_spread_bps)} (${r.leverage}×)`, num: true,
        hint: "spread × min leverage of the two venues" },
      { title: "Funding Δ bps", cell: (r) => bps(r.funding_diff_bps), num: true, cls: (r) => `${signClass(r.funding_diff_bps)}`,
        hint: "short venue minus long venue, per funding basis" },
      { title: "APR %", cell: (r) => num(r.funding_diff_apr_pct), num: true },
      { title: "Fees bps", cell: (r) => bps(r.fees_bps), num: true },
      { title: "Carry bps", cell: (r) => bps(r.carry_bps), num: true, cls: (r) => `${signClass(r.carry_bps)}`,
        hint: "spread − fees + funding over the carry horizon" },
      { title: "Age", cell: (r) => age(Math.max(r.age_ms_a ?? 0, r.age_ms_b ?? 0) / 1000), num: true },
    ], { label: "top spreads", empty: "waiting for the scanner…", rowAttrs: (r) => ({
      tabindex: 0, class: r.stale ? "clickable stale" : "clickable", "data-symbol": r.symbol,
      onclick: ((ev: Event) => { if (!(ev.target as HTMLElement).closest("a")) open(r); }) as EventListener,
      onkeydown: ((ev: KeyboardEvent) => { if (ev.key === "Enter") open(r); }) as EventListener,
    }) });

    const funding = new Table<FundingRow>([
      { title: "Symbol", cell: (f) => f.symbol },
      { title: "Short / long", cell: (f) => `${f.short_venue || "—"} / ${f.long_venue || "—"}` },
      { title: "Max Δ bps", cell: (f) => bps(f.max_diff_bps), num: true },
      { title: "APR %", cell: (f) => num(f.max_diff_apr_pct), num: true },
      { title: "Rates (per basis, bps)", cell: (f) => f.venues.map((v) => `${v.venue} ${bps(v.basis_bps)}`).join(" · ") },
    ], { label: "funding differentials", empty: "no funding rates yet" });

    const signals = new Table<Item>([
      { title: "Time", cell: (s) => clock(Number(s.ts_ns ?? s.ts ?? 0)) },
      { title: "Symbol", cell: (s) => String(s.symbol ?? "") },
      { title: "Sell → buy", cell: (s) => `${String(s.sell_venue ?? "")} → ${String(s.buy_venue ?? "")}` },
      { title: "Spread bps", cell: (s) => bps(Number(s.spread_bps)), num: true },
    ], { label: "signals", empty: "no persistent opportunity yet" });

    const render = () => {
      const q = filter.value.trim().toLowerCase();
      const key = sortKeys[sortSel.value as keyof typeof sortKeys];
      const shown = rows.filter((r) => !q || `${r.symbol} ${r.venue_a} ${r.venue_b}`.toLowerCase().includes(q))
        .sort((a, b) => key(b) - key(a) || a.rank - b.rank);
      table.update(shown);
    };
    sortSel.addEventListener("change", render);
    filter.addEventListener("input", render);

    root.append(
      h("h1", {}, "Market"),
      section("Top spreads",
        h("div", { class: "toolbar" }, h("label", {}, "Sort ", sortSel), filter, stale),
        h("div", { class: "scroll" }, table.el)),
      h("div", { class: "two" },
        section("Funding differentials", h("div", { class: "scroll" }, funding.el)),
        section("Signals", h("div", { class: "scroll" }, signals.el))));
    table.update([]);
    funding.update([]);
    signals.update([]);

    const offs = [
      ctx.stream.subscribe("rankings", (_t, d) => {
        rows = [...d.keyed.values()] as unknown as Row[];
        stale.textContent = `${rows.length} rows, live`;
        render();
      }),
      ctx.stream.subscribe("signals", (_t, d) => signals.update(d.log.slice(-50).reverse())),
      ctx.stream.subscribe("pairs", (_t, d) => {
        const next = new Set(d.keyed.keys());
        if (next.size !== pairs.size) { pairs = next; render(); } else pairs = next;
      }),
      every(5000, async () => {
        const f = await api.get<{ rows: FundingRow[] }>("/api/market/funding?limit=50");
        funding.update(f.rows);
      }),
    ];
    // Before the stream is authenticated (no token yet) the REST snapshot shows the table.
    void api.get<{ rows: Row[] }>("/api/market/top-spreads").then((r) => {
      if (rows.length === 0) { rows = r.rows; stale.textContent = `${rows.length} rows`; render(); }
    }).catch(ctx.fail);
    return () => offs.forEach((f) => f());
  },
};
