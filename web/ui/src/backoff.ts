// Reconnect delays: exponential with full jitter, capped, reset after a
// connection has stayed up (so a flapping node is not hammered and a node
// that comes back is found within a few seconds).

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** 0..1: the share of each delay that is random. */
  jitter: number;
}

export class Backoff {
  private attempt = 0;
  constructor(private readonly opts: BackoffOptions = { initialMs: 500, maxMs: 10_000, jitter: 0.5 },
              private readonly random: () => number = Math.random) {}

  /** The delay before the next attempt, in ms; each call counts one attempt. */
  next(): number {
    const base = Math.min(this.opts.maxMs, this.opts.initialMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    const spread = base * this.opts.jitter;
    return Math.round(base - spread + spread * this.random());
  }

  reset(): void { this.attempt = 0; }
  get attempts(): number { return this.attempt; }
}
