import { describe, expect, it } from "vitest";
import { bands, markers, perSecond, sampleOf, samplesFromCsv } from "../src/series";

const item = (ts_s: number, net_ab: number, mean_ab: number, std_ab: number, valid = true) => ({
  ts_ns: ts_s * 1e9, valid, net_ab_bps: net_ab, net_ba_bps: -net_ab, mean_ab_bps: mean_ab, std_ab_bps: std_ab,
  mean_ba_bps: -mean_ab, std_ba_bps: std_ab, z_ab: 1, z_ba: -1 });

describe("the pair chart's series", () => {
  it("reads topic items and drops invalid ones", () => {
    expect(sampleOf(item(100, 5, 1, 2))?.net).toEqual([5, -5]);
    expect(sampleOf(item(100, 5, 1, 2, false))).toBeNull();
    expect(sampleOf({ valid: true })).toBeNull();
  });
  it("keeps the last sample of each second in time order", () => {
    const s = [item(10.2, 1, 0, 1), item(10.9, 2, 0, 1), item(9.5, 3, 0, 1), item(11, 4, 0, 1)].map((x) => sampleOf(x)!);
    expect(perSecond(s).map((x) => [x.t, x.net[0]])).toEqual([[9, 3], [10, 2], [11, 4]]);
  });
  it("draws mean ± k·σ with σ floored like the signal, none before a σ exists", () => {
    const s = [item(1, 3, 0, 0), item(2, 4, 1, 2), item(3, 5, 1, 0.01)].map((x) => sampleOf(x)!);
    const b = bands(s, 0, 2, 0.5);
    expect(b.net.map((p) => p.value)).toEqual([3, 4, 5]);
    expect(b.upper.map((p) => p.value)).toEqual([1, 5, 2]);   // 0+2·0.5, 1+2·2, 1+2·0.5
    expect(b.lower.map((p) => p.value)).toEqual([-1, -3, 0]);
    const nofloor = bands(s, 0, 2, 0);
    expect(nofloor.mean.map((p) => p.time)).toEqual([2, 3]);  // σ = 0 at t=1: no band
    const ba = bands(s, 1, 1, 0);
    expect(ba.net.map((p) => p.value)).toEqual([-3, -4, -5]);
  });
  it("reads the spreads CSV export", () => {
    const csv = "ts_ns,ts,pair_id,symbol,venue_a,venue_b,bid_a,ask_a,bid_b,ask_b,size,spread_ab,spread_ba,mean_ab,std_ab,z_ab,mean_ba,std_ba,z_ba,samples,valid,net_ab_bps,net_ba_bps\r\n"
      + "2000000000,x,P,S,a,b,1,1,1,1,1,0,0,0.5,1.5,2,0.25,1,3,10,true,-7.25,4.5\r\n"
      + "3000000000,x,P,S,a,b,1,1,1,1,1,0,0,0,0,0,0,0,0,0,false,0,0\r\n";
    const s = samplesFromCsv(csv);
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ t: 2, net: [-7.25, 4.5], mean: [0.5, 0.25], std: [1.5, 1], z: [2, 3] });
    expect(samplesFromCsv("ts_ns,valid\r\n")).toEqual([]);
  });
  it("marks entries and exits at their first fill, not hedges", () => {
    const o = (client_id: string, purpose: string, state: string, ts: number) =>
      ({ client_id, purpose, state, side: "buy", venue: "sim-a", ts_ns: ts * 1e9, filled: "1" });
    const m = markers([o("c1", "open", "acked", 1), o("c1", "open", "partially_filled", 2), o("c1", "open", "filled", 3),
      o("c2", "hedge", "filled", 4), o("c3", "close", "filled", 9), o("c4", "flatten", "filled", 12), o("c5", "open", "rejected", 13)]);
    expect(m.map((x) => [x.id, x.kind, x.time])).toEqual([["c1", "entry", 2], ["c3", "exit", 9], ["c4", "exit", 12]]);
  });
});
