// Positions & P&L: totals, per venue and per pair (realized − fees +
// funding + unrealized, exact), net contracts per venue and symbol, legs,
// and the equity curve (GET /api/pnl/equity, then the equity topic live).

import { createChart, AreaSeries, type UTCTimestamp } from "lightweight-charts";
import { Page, every, section } from "../app";
import { Table, h, stat, setText } from "../dom";
import { api } from "../api";
import { exact, money, signClass } from "../format";


interface Pnl { realized: string; fees: string; funding: string; funding_accrued: string; unrealized: string; net: string }
interface PnlDoc { total: Pnl; venues: (Pnl & { venue: string })[]; pairs: (Pnl & { pair: string; round_trips: number })[] }
interface PosDoc {
  legs: { pair: string; venue: string; symbol: string; qty: string; avg_entry: string; unrealized: string }[];
  contracts: { venue: string; symbol: string; qty: string }[];
}
export interface EquityPoint { seq: number; ts_ns: number; net: string }

/** Equity points as chart data: one per second (the last), time ascending. */
export function equityData(points: EquityPoint[]): { time: UTCTimestamp; value: number }[] {
  const bySec = new Map<number, number>();
  for (const p of [...points].sort((a, b) => a.seq - b.seq)) bySec.set(Math.floor(p.ts_ns / 1e9), Number(p.net));
  return [...bySec.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ time: t as UTCTimestamp, value: v }));
}

const pnlCols = <T extends Pnl>() => [
  { title: "Realized", cell: (r: T) => money(r.realized), num: true, cls: (r: T) => `${signClass(r.realized)}` },
  { title: "Fees", cell: (r: T) => money(r.fees), num: true },
  { title: "Funding", cell: (r: T) => money(r.funding), num: true, cls: (r: T) => `${signClass(r.funding)}` },
  { title: "Accruing", cell: (r: T) => money(r.funding_accrued), num: true, hint: "funding accrued, not yet paid" },
  { title: "Unrealized", cell: (r: T) => money(r.unrealized), num: true, cls: (r: T) => `${signClass(r.unrealized)}` },
  { title: "Net", cell: (r: T) => money(r.net), num: true, cls: (r: T) => `strong ${signClass(r.net)}` },
];

export const positionsPage: Page = {
  id: "positions",
  title: "Positions & P&L",
  mount(root, ctx) {
    let points: EquityPoint[] = [];
    const venues = new Table<Pnl & { venue: string }>([{ title: "Venue", cell: (r) => r.venue }, ...pnlCols()],
      { label: "P&L per venue" });
    const pairs = new Table<Pnl & { pair: string; round_trips: number }>([
      { title: "Pair", cell: (r) => h("a", { href: `#/pair/${encodeURIComponent(r.pair)}` }, r.pair) },
      ...pnlCols(), { title: "Round trips", cell: (r) => r.round_trips, num: true }],
    { label: "P&L per pair" });
    const contracts = new Table<PosDoc["contracts"][number]>([
      { title: "Venue", cell: (r) => r.venue }, { title: "Symbol", cell: (r) => r.symbol },
      { title: "Net qty", cell: (r) => exact(r.qty), num: true, cls: (r) => `${signClass(r.qty)}` },
    ], { label: "net contracts", empty: "flat everywhere" });
    const legs = new Table<PosDoc["legs"][number]>([
      { title: "Pair", cell: (r) => h("a", { href: `#/pair/${encodeURIComponent(r.pair)}` }, r.pair) },
      { title: "Venue", cell: (r) => r.venue },
      { title: "Qty", cell: (r) => exact(r.qty), num: true, cls: (r) => `${signClass(r.qty)}` },
      { title: "Avg entry", cell: (r) => exact(r.avg_entry), num: true },
      { title: "Unrealized", cell: (r) => money(r.unrealized), num: true, cls: (r) => `${signClass(r.unrealized)}` },
    ], { label: "open legs", empty: "no open leg" });
    const chartBox = h("div", { class: "chart", id: "equity-chart", role: "img", "aria-label": "equity curve: net P&L over time" });

    root.append(h("h1", {}, "Positions & P&L"),
      h("div", { class: "stats" }, stat("Net P&L", "pnl-net"), stat("Realized", "pnl-realized"),
        stat("Fees", "pnl-fees"), stat("Funding", "pnl-funding"), stat("Unrealized", "pnl-unrealized")),
      section("Equity curve (net P&L)", chartBox),
      section("Per venue", h("div", { class: "scroll" }, venues.el)),
      section("Per pair", h("div", { class: "scroll" }, pairs.el)),
      h("div", { class: "two" }, section("Net contracts", h("div", { class: "scroll" }, contracts.el)),
        section("Open legs", h("div", { class: "scroll" }, legs.el))));

    const chart = createChart(chartBox, {
      autoSize: true,
      layout: { background: { color: "#11151c" }, textColor: "#c9d1d9", attributionLogo: false },
      grid: { vertLines: { color: "#1f2630" }, horzLines: { color: "#1f2630" } },
      timeScale: { timeVisible: true, secondsVisible: true },
    });
    const area = chart.addSeries(AreaSeries, { lineColor: "#3fb950", topColor: "rgba(63,185,80,0.35)",
      bottomColor: "rgba(63,185,80,0.02)", lineWidth: 2, priceLineVisible: false });
    const drawEquity = () => {
      const data = equityData(points);
      area.setData(data);
      if (data.length < 2000) chart.timeScale().fitContent();
      chartBox.setAttribute("data-points", String(data.length));
    };

    const refresh = async () => {
      const [p, pos] = await Promise.all([api.get<PnlDoc>("/api/pnl"), api.get<PosDoc>("/api/positions")]);
      const t = p.total;
      setText("pnl-net", money(t.net), signClass(t.net));
      setText("pnl-realized", money(t.realized), signClass(t.realized));
      setText("pnl-fees", money(t.fees));
      setText("pnl-funding", money(t.funding), signClass(t.funding));
      setText("pnl-unrealized", money(t.unrealized), signClass(t.unrealized));
      venues.update(p.venues);
      pairs.update(p.pairs);
      contracts.update(pos.contracts.filter((c) => signClass(c.qty) !== ""));
      legs.update(pos.legs.filter((l) => signClass(l.qty) !== ""));
    };
    void api.get<{ points: EquityPoint[] }>("/api/pnl/equity?limit=20000")
      .then((r) => { points = r.points.concat(points); drawEquity(); }).catch(ctx.fail);

    let pending = false;
    const offs = [
      every(2000, refresh),
      // A pair's P&L moved: refresh now (at most once per second).
      ctx.stream.subscribe("pairs", () => {
        if (pending) return;
        pending = true;
        window.setTimeout(() => { pending = false; void refresh().catch(() => {}); }, 1000);
      }),
      ctx.stream.subscribe("equity", (_t, d) => {
        const live = d.log as unknown as EquityPoint[];
        const last = points.length ? points[points.length - 1].seq : 0;
        const add = live.filter((x) => x.seq > last);
        if (add.length) { points = points.concat(add); drawEquity(); }
      }),
    ];
    return () => { offs.forEach((f) => f()); chart.remove(); };
  },
};
