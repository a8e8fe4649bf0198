// Pure parts of the pages (they import the DOM helpers but do not touch the DOM).
import { describe, expect, it } from "vitest";
import { pairIdFor, sortKeys } from "../src/pages/market";
import { filterOrders, filterFills, mergeBySeq, type OrderRow, type FillRow } from "../src/pages/orders";
import { flattenParams, patchOf } from "../src/pages/pair";
import { configPatch, parseSymbols, secretState } from "../src/pages/config";
import { filterEvents } from "../src/pages/events";
import { utilisation } from "../src/pages/risk";
import { equityData } from "../src/pages/positions";

describe("market", () => {
  it("finds the traded pair whichever way round it is configured", () => {
    const pairs = new Set(["BTC-PERP:sim-a/sim-b"]);
    expect(pairIdFor(pairs, { symbol: "BTC-PERP", venue_a: "sim-b", venue_b: "sim-a" })).toBe("BTC-PERP:sim-a/sim-b");
    expect(pairIdFor(pairs, { symbol: "BTC-PERP", venue_a: "sim-a", venue_b: "sim-c" })).toBeNull();
  });
  it("sorts unknown funding last", () => {
    expect(sortKeys.funding({ funding_diff_bps: null } as never)).toBe(-Infinity);
  });
});

describe("orders and fills", () => {
  const o = (seq: number, client_id: string, state: string, extra: Partial<OrderRow> = {}): OrderRow => ({
    seq, client_id, state, pair: "P1", venue: "sim-a", symbol: "BTC-PERP", side: "buy", tif: "ioc", purpose: "open",
    price: "1", qty: "1", filled: "0", fees: "0", from: "", reason: "", ts_ns: seq, ...extra });
  const none = { pair: "", venue: "", side: "", state: "", purpose: "", text: "" };
  it("open = the latest transition of orders not yet terminal", () => {
    const rows = [o(1, "a", "sent"), o(2, "a", "filled"), o(3, "b", "sent"), o(4, "b", "acked"), o(5, "c", "expired")];
    expect(filterOrders(rows, { ...none, state: "open" }).map((r) => r.seq)).toEqual([4, 5]);
    expect(filterOrders(rows, { ...none, state: "filled" }).map((r) => r.seq)).toEqual([2]);
  });
  it("filters by pair, venue, side, purpose and text", () => {
    const rows = [o(1, "a", "sent", { pair: "P2" }), o(2, "b", "sent", { venue: "sim-b", side: "sell", purpose: "hedge", reason: "Timeout" })];
    expect(filterOrders(rows, { ...none, pair: "P2" }).map((r) => r.seq)).toEqual([1]);
    expect(filterOrders(rows, { ...none, venue: "sim-b", side: "sell", purpose: "hedge" }).map((r) => r.seq)).toEqual([2]);
    expect(filterOrders(rows, { ...none, text: "timeout" }).map((r) => r.seq)).toEqual([2]);
    const f = [{ seq: 1, pair: "P1", venue: "sim-a", side: "buy", client_id: "x", symbol: "S", fill_id: "t1", venue_order_id: "o1" }] as FillRow[];
    expect(filterFills(f, { ...none, text: "T1" })).toHaveLength(1);
    expect(filterFills(f, { ...none, venue: "sim-b" })).toHaveLength(0);
  });
  it("merges REST pages and live entries by seq", () => {
    const m = mergeBySeq([{ seq: 3 }, { seq: 1 }], [{ seq: 2 }, { seq: 3 }], 2);
    expect(m.map((x) => x.seq)).toEqual([2, 3]);
  });
});

describe("pair parameters", () => {
  it("flattens signal keys and builds the patch of what changed", () => {
    expect(flattenParams({ order_notional: "1000", signal: { z_entry: 2 } })).toEqual([["order_notional", "1000"], ["signal.z_entry", 2]]);
    expect(patchOf(new Map<string, unknown>([["min_profit_bps", 3], ["signal.z_exit", 0.4]])))
      .toEqual({ min_profit_bps: 3, signal: { z_exit: 0.4 } });
  });
});

describe("config", () => {
  const running = { market: { data: "sim", execution: "paper" }, venues: {
    "sim-a": { enabled: true, market_data: "sim", api_key: "<redacted>", api_secret: "", passphrase: "" } } };
  it("sends only edits; secrets only when typed or cleared", () => {
    expect(configPatch(running, { market_data_mode: "sim", venues: { "sim-a": { enabled: true, market_data: "sim" } } })).toEqual({});
    expect(configPatch(running, { market_data_mode: "live", venues: { "sim-a": { enabled: false, market_data: "sim", api_secret: "s3cret", clear: ["api_key"] } } }))
      .toEqual({ market: { data: "live" }, venues: { "sim-a": { enabled: false, api_secret: "s3cret", api_key: "" } } });
  });
  it("sends a venue's live feed keys only when they differ from the running ones", () => {
    const live = { market: { data: "live", execution: "paper" }, venues: {
      okx: { enabled: true, market_data: "live", api_key: "", api_secret: "", passphrase: "",
        ws_url: "", rest_url: "", proxy: "http://user:<redacted>@10.0.0.5:3128", symbols: ["BTC-PERP"] } } };
    const same = { enabled: true, market_data: "live", ws_url: "", rest_url: "",
      proxy: "http://user:<redacted>@10.0.0.5:3128", symbols: ["BTC-PERP"] };
    expect(configPatch(live, { market_data_mode: "live", venues: { okx: same } })).toEqual({});
    expect(configPatch(live, { market_data_mode: "live", venues: { okx: { ...same,
      ws_url: "ws://127.0.0.1:9101", rest_url: "http://127.0.0.1:9101", symbols: ["BTC-PERP", "ETH-PERP"] } } }))
      .toEqual({ venues: { okx: { ws_url: "ws://127.0.0.1:9101", rest_url: "http://127.0.0.1:9101",
        symbols: ["BTC-PERP", "ETH-PERP"] } } });
    expect(configPatch(live, { market_data_mode: "live", venues: { okx: { ...same, proxy: "", symbols: [] } } }))
      .toEqual({ venues: { okx: { proxy: "", symbols: [] } } });
  });
  it("reads typed symbols separated by commas, blanks or lines", () => {
    expect(parseSymbols(" BTC-PERP, ETH-PERP\nSOL-PERP  ")).toEqual(["BTC-PERP", "ETH-PERP", "SOL-PERP"]);
    expect(parseSymbols(" , ")).toEqual([]);
  });
  it("never shows a secret, only whether it is set", () => {
    expect(secretState("<redacted>")).toBe("set");
    expect(secretState("")).toBe("not set");
  });
});

describe("events, risk, equity", () => {
  it("filters events by minimum severity and text", () => {
    const e = [{ seq: 1, ts_ns: 1, severity: "info", source: "pair/X", text: "leg available" },
      { seq: 2, ts_ns: 2, severity: "error", source: "risk", text: "HALTED" }];
    expect(filterEvents(e, "warning", "").map((x) => x.seq)).toEqual([2]);
    expect(filterEvents(e, "info", "pair/").map((x) => x.seq)).toEqual([1]);
  });
  it("utilisation is |used| / limit, none without a limit", () => {
    expect(utilisation("-500", "1000")).toBe(0.5);
    expect(utilisation("5", "0")).toBeNull();
    expect(utilisation("-114.63", "500", true)).toBe(0);   // a gain uses none of the daily loss limit
    expect(utilisation("250", "500", true)).toBe(0.5);
  });
  it("equity points: one per second, in order", () => {
    expect(equityData([{ seq: 2, ts_ns: 1.5e9, net: "2" }, { seq: 1, ts_ns: 1.2e9, net: "1" }, { seq: 3, ts_ns: 3e9, net: "-1.5" }]))
      .toEqual([{ time: 1, value: 2 }, { time: 3, value: -1.5 }]);
  });
});
