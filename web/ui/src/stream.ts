// The live stream: one WebSocket to /ws/stream (same origin, so it works
// behind nginx's /ws), authenticated with {"op":"auth"}, subscribed to the
// topics the open page needs. Keyed topics are mirrored as maps, log topics
// as bounded arrays. The connection is watched (ping every 10 s, a silent
// socket is dropped after 25 s) and re-opened with jittered back-off; on
// every reconnect each topic starts again from the server's snapshot.

import { Backoff } from "./backoff";

export type ConnState = "connecting" | "live" | "reconnecting" | "unauthorized" | "offline";
export type Item = Record<string, unknown>;

export interface TopicData {
  keyed: Map<string, Item>;
  log: Item[];
  /** The topic had a snapshot since the last (re)connect. */
  fresh: boolean;
  version: number;
}

type Listener = (topic: string, data: TopicData) => void;

const LOG_KEEP = 2000;
const PING_MS = 10_000;
const SILENT_MS = 25_000;

export class Stream {
  private ws: WebSocket | null = null;
  private readonly topics = new Map<string, TopicData>();
  private readonly refs = new Map<string, number>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly stateListeners = new Set<(s: ConnState, detail: string) => void>();
  private readonly backoff = new Backoff();
  private stateValue: ConnState = "connecting";
  private detail = "";
  private timer: number | undefined;
  private pinger: number | undefined;
  private lastMessage = 0;
  private authenticated = false;
  private stopped = false;
  private pending = new Set<string>();
  private flushScheduled = false;
  /** Messages received since the page was loaded (shown in the status bar). */
  messages = 0;
  reconnects = 0;

  constructor(private tokenFn: () => string, private readonly url = Stream.defaultUrl()) {}

  static defaultUrl(): string {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    return `${proto}//${location.host}/ws/stream`;
  }

  get state(): ConnState { return this.stateValue; }
  get stateDetail(): string { return this.detail; }

  onState(fn: (s: ConnState, detail: string) => void): () => void {
    this.stateListeners.add(fn);
    fn(this.stateValue, this.detail);
    return () => this.stateListeners.delete(fn);
  }

  /** Subscribes `fn` to a topic; returns the unsubscribe function. */
  subscribe(topic: string, fn: Listener): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(fn);
    const n = (this.refs.get(topic) ?? 0) + 1;
    this.refs.set(topic, n);
    if (n === 1) this.send({ op: "subscribe", topics: [topic] });
    const data = this.topics.get(topic);
    if (data?.fresh) fn(topic, data);
    return () => {
      set!.delete(fn);
      const left = (this.refs.get(topic) ?? 1) - 1;
      this.refs.set(topic, left);
      if (left === 0) {
        this.refs.delete(topic);
        this.send({ op: "unsubscribe", topics: [topic] });
        this.topics.delete(topic);
      }
    };
  }

  data(topic: string): TopicData | undefined { return this.topics.get(topic); }

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    window.clearInterval(this.pinger);
    this.ws?.close(1000, "bye");
    this.ws = null;
  }

  /** After a new token was entered: reconnect at once. */
  restart(): void {
    this.stop();
    this.backoff.reset();
    this.start();
  }

  private setState(s: ConnState, detail = ""): void {
    this.stateValue = s;
    this.detail = detail;
    for (const fn of this.stateListeners) fn(s, detail);
  }

  private send(msg: unknown): void {
    if (this.ws && this.ws.readyState === WebSocket.OPEN && this.authenticated)
      this.ws.send(JSON.stringify(msg));
  }

  private open(): void {
    if (this.stopped) return;
    const t = this.tokenFn();
    if (!t) {
      this.setState("unauthorized", "no API token entered");
      return;
    }
    this.setState(this.reconnects > 0 ? "reconnecting" : "connecting");
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      this.retry(`cannot open the stream: ${String(e)}`);
      return;
    }
    this.ws = ws;
    this.authenticated = false;
    ws.onopen = () => {
      this.lastMessage = Date.now();
      ws.send(JSON.stringify({ op: "auth", token: t }));
    };
    ws.onmessage = (ev) => {
      this.lastMessage = Date.now();
      this.messages++;
      let msg: Item;
      try { msg = JSON.parse(String(ev.data)) as Item; } catch { return; }
      this.handle(msg);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      window.clearInterval(this.pinger);
      if (this.stateValue === "unauthorized") return;
      this.retry(ev.code === 1000 ? "closed" : `closed (${ev.code}${ev.reason ? ": " + ev.reason : ""})`);
    };
    ws.onerror = () => { /* onclose follows */ };
    window.clearInterval(this.pinger);
    this.pinger = window.setInterval(() => {
      if (!this.ws) return;
      if (Date.now() - this.lastMessage > SILENT_MS) {
        this.ws.close(4000, "silent");
        return;
      }
      if (this.ws.readyState === WebSocket.OPEN) this.ws.send('{"op":"ping"}');
    }, PING_MS);
  }

  private retry(why: string): void {
    for (const d of this.topics.values()) d.fresh = false;
    if (this.stopped) return;
    this.reconnects++;
    const wait = this.backoff.next();
    this.setState("reconnecting", `${why}; retrying in ${(wait / 1000).toFixed(1)} s`);
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.open(), wait);
  }

  private handle(msg: Item): void {
    switch (msg.type) {
      case "authenticated": {
        this.authenticated = true;
        this.backoff.reset();
        this.setState("live");
        const topics = [...this.refs.keys()];
        if (topics.length) this.send({ op: "subscribe", topics });
        return;
      }
      case "error":
        if (msg.error === "unauthorized" && !this.authenticated) {
          this.setState("unauthorized", "the node refused the API token");
          this.ws?.close(1000, "unauthorized");
        }
        return;
      case "snapshot":
      case "delta":
        this.apply(msg);
        return;
      default:
        return; // hello, subscribed, pong
    }
  }

  private apply(msg: Item): void {
    const topic = String(msg.topic);
    if (!this.refs.has(topic)) return;
    let d = this.topics.get(topic);
    if (!d) this.topics.set(topic, (d = { keyed: new Map(), log: [], fresh: false, version: 0 }));
    const snapshot = msg.type === "snapshot";
    if (msg.items && !Array.isArray(msg.items)) { // keyed snapshot
      d.keyed = new Map(Object.entries(msg.items as Record<string, Item>));
    } else if (msg.upsert || msg.remove) {        // keyed delta
      for (const [k, v] of Object.entries((msg.upsert ?? {}) as Record<string, Item>)) d.keyed.set(k, v);
      for (const k of (msg.remove ?? []) as string[]) d.keyed.delete(k);
    } else if (Array.isArray(msg.items)) {        // log
      const items = msg.items as Item[];
      if (snapshot) d.log = items.slice();
      else d.log.push(...items);
      if (d.log.length > LOG_KEEP) d.log.splice(0, d.log.length - LOG_KEEP);
    }
    d.fresh = true;
    d.version++;
    this.pending.add(topic);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // One render per animation frame however many messages arrived.
      requestAnimationFrame(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const topics = [...this.pending];
    this.pending.clear();
    for (const topic of topics) {
      const d = this.topics.get(topic);
      if (!d) continue;
      for (const fn of this.listeners.get(topic) ?? []) fn(topic, d);
    }
  }
}
