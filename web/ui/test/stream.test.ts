// The stream client against a fake WebSocket: auth first, subscriptions
// after authentication, keyed snapshot + delta, log append, reconnect with a
// fresh snapshot, unauthorized stops retrying, a silent socket is dropped.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

class FakeSocket {
  static OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) { FakeSocket.all.push(this); }
  send(s: string) { this.sent.push(s); }
  close(code = 1000, reason = "") { this.readyState = 3; this.onclose?.({ code, reason }); }
  // test side
  open() { this.readyState = 1; this.onopen?.(); }
  recv(msg: unknown) { this.onmessage?.({ data: JSON.stringify(msg) }); }
  drop(code = 1006) { this.readyState = 3; this.onclose?.({ code, reason: "" }); }
  ops() { return this.sent.map((s) => JSON.parse(s)); }
}

const g = globalThis as Record<string, unknown>;
beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
  g.window = globalThis;
  g.WebSocket = FakeSocket;
  g.location = { protocol: "http:", host: "127.0.0.1:8080" };
  g.requestAnimationFrame = (f: () => void) => setTimeout(f, 0);
});
afterEach(() => { vi.useRealTimers(); });

async function make(token = "t".repeat(20)) {
  const { Stream } = await import("../src/stream");
  const s = new Stream(() => token, "ws://x/ws/stream");
  const states: string[] = [];
  s.onState((st) => states.push(st));
  return { s, states };
}

describe("stream client", () => {
  it("authenticates, then subscribes, mirrors keyed snapshots and deltas", async () => {
    const { s, states } = await make();
    const seen: number[] = [];
    s.subscribe("pairs", (_t, d) => seen.push(d.keyed.size));
    s.start();
    const ws = FakeSocket.all[0];
    ws.open();
    expect(ws.ops()).toEqual([{ op: "auth", token: "t".repeat(20) }]); // nothing before auth
    ws.recv({ type: "authenticated" });
    expect(states.at(-1)).toBe("live");
    expect(ws.ops()[1]).toEqual({ op: "subscribe", topics: ["pairs"] });
    ws.recv({ type: "snapshot", topic: "pairs", version: 1, items: { a: { x: 1 }, b: { x: 2 } } });
    ws.recv({ type: "delta", topic: "pairs", version: 2, upsert: { c: { x: 3 } }, remove: ["a"] });
    vi.runOnlyPendingTimers();
    expect([...s.data("pairs")!.keyed.keys()].sort()).toEqual(["b", "c"]);
    expect(seen).toEqual([2]); // one render for both messages
  });

  it("appends log deltas and keeps a bounded log", async () => {
    const { s } = await make();
    s.subscribe("fills", () => {});
    s.start();
    const ws = FakeSocket.all[0];
    ws.open(); ws.recv({ type: "authenticated" });
    ws.recv({ type: "snapshot", topic: "fills", seq: 2, items: [{ seq: 1 }, { seq: 2 }] });
    ws.recv({ type: "delta", topic: "fills", seq: 3, items: [{ seq: 3 }] });
    expect(s.data("fills")!.log.map((x) => x.seq)).toEqual([1, 2, 3]);
    ws.recv({ type: "snapshot", topic: "fills", seq: 9, gap: true, items: [{ seq: 9 }] });
    expect(s.data("fills")!.log.map((x) => x.seq)).toEqual([9]);
  });

  it("reconnects with back-off and subscribes again", async () => {
    const { s, states } = await make();
    s.subscribe("risk", () => {});
    s.start();
    FakeSocket.all[0].open(); FakeSocket.all[0].recv({ type: "authenticated" });
    FakeSocket.all[0].drop();
    expect(states.at(-1)).toBe("reconnecting");
    expect(s.data("risk")?.fresh ?? false).toBe(false);
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.all).toHaveLength(2);
    const ws2 = FakeSocket.all[1];
    ws2.open(); ws2.recv({ type: "authenticated" });
    expect(ws2.ops().slice(1)).toEqual([{ op: "subscribe", topics: ["risk"] }]);
    expect(states.at(-1)).toBe("live");
    expect(s.reconnects).toBe(1);
  });

  it("a refused token stops the retries until a new one is entered", async () => {
    const { s, states } = await make();
    s.start();
    const ws = FakeSocket.all[0];
    ws.open();
    ws.recv({ type: "error", error: "unauthorized", message: "invalid token" });
    expect(states.at(-1)).toBe("unauthorized");
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    s.restart();
    expect(FakeSocket.all).toHaveLength(2);
  });

  it("without a token it does not connect at all", async () => {
    const { s, states } = await make("");
    s.start();
    expect(FakeSocket.all).toHaveLength(0);
    expect(states.at(-1)).toBe("unauthorized");
  });

  it("drops a socket that stays silent and pings a live one", async () => {
    const { s, states } = await make();
    s.start();
    const ws = FakeSocket.all[0];
    ws.open(); ws.recv({ type: "authenticated" });
    vi.advanceTimersByTime(10_000);
    expect(ws.sent.at(-1)).toBe('{"op":"ping"}');
    vi.advanceTimersByTime(20_000); // 30 s without any message
    expect(states.at(-1)).toBe("reconnecting");
  });

  it("unsubscribes when the last listener leaves", async () => {
    const { s } = await make();
    s.start();
    const ws = FakeSocket.all[0];
    ws.open(); ws.recv({ type: "authenticated" });
    const off1 = s.subscribe("events", () => {});
    const off2 = s.subscribe("events", () => {});
    off1();
    expect(ws.ops().filter((o) => o.op === "unsubscribe")).toHaveLength(0);
    off2();
    expect(ws.ops().at(-1)).toEqual({ op: "unsubscribe", topics: ["events"] });
  });
});
