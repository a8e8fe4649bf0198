import { describe, expect, it } from "vitest";
import { Backoff } from "../src/backoff";

describe("reconnect back-off", () => {
  it("doubles up to the cap, with the jitter inside its share", () => {
    const b = new Backoff({ initialMs: 500, maxMs: 10_000, jitter: 0.5 }, () => 1);
    expect([1, 2, 3, 4, 5, 6, 7].map(() => b.next())).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);
    const low = new Backoff({ initialMs: 500, maxMs: 10_000, jitter: 0.5 }, () => 0);
    expect([low.next(), low.next(), low.next()]).toEqual([250, 500, 1000]);
  });
  it("starts again from the first delay after a reset", () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    b.next(); b.next(); b.next();
    expect(b.attempts).toBe(3);
    b.reset();
    expect(b.next()).toBe(100);
  });
});
