// The pair chart's data, pure so it is unit-tested: the signal series (net
// edge in bps) per direction with its rolling mean and σ, reduced to one
// point per second (the chart's time axis is in whole seconds), the
// mean ± k·σ bands, and entry/exit markers from the order log.

export interface SpreadSample {
  /** Seconds since the epoch (fractional). */
  t: number;
  net: [number, number];
  mean: [number, number];
  std: [number, number];
  z: [number, number];
  valid: boolean;
}

export interface BandPoint { time: number; value: number }
export interface Bands { net: BandPoint[]; mean: BandPoint[]; upper: BandPoint[]; lower: BandPoint[] }

/** A `spreads` topic item (or /api/pairs row) as a sample; null if unusable. */
export function sampleOf(item: Record<string, unknown>): SpreadSample | null {
  const ts = Number(item.ts_ns);
  if (!Number.isFinite(ts) || ts <= 0 || item.valid !== true) return null;
  const n = (k: string) => Number(item[k] ?? 0);
  return {
    t: ts / 1e9,
    net: [n("net_ab_bps"), n("net_ba_bps")],
    mean: [n("mean_ab_bps"), n("mean_ba_bps")],
    std: [n("std_ab_bps"), n("std_ba_bps")],
    z: [n("z_ab"), n("z_ba")],
    valid: true,
  };
}

/** Rows of /api/export/spreads.csv (header included) as samples. */
export function samplesFromCsv(text: string): SpreadSample[] {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines.length < 2) return [];
  const head = lines[0].split(",");
  const col = (name: string) => head.indexOf(name);
  const c = {
    ts: col("ts_ns"), valid: col("valid"), nab: col("net_ab_bps"), nba: col("net_ba_bps"),
    mab: col("mean_ab"), sab: col("std_ab"), zab: col("z_ab"), mba: col("mean_ba"),
    sba: col("std_ba"), zba: col("z_ba"),
  };
  if (c.ts < 0 || c.nab < 0) return [];
  const out: SpreadSample[] = [];
  for (const line of lines.slice(1)) {
    // Spread rows hold no quoted field (ids, numbers, booleans only).
    const f = line.split(",");
    if (f[c.valid] !== "true") continue;
    const num = (i: number) => Number(f[i]);
    out.push({
      t: Number(f[c.ts]) / 1e9,
      net: [num(c.nab), num(c.nba)], mean: [num(c.mab), num(c.mba)],
      std: [num(c.sab), num(c.sba)], z: [num(c.zab), num(c.zba)], valid: true,
    });
  }
  return out;
}

/** Keeps the last sample of each whole second, in time order. */
export function perSecond(samples: SpreadSample[]): SpreadSample[] {
  const bySec = new Map<number, SpreadSample>();
  for (const s of samples) bySec.set(Math.floor(s.t), s);
  return [...bySec.entries()].sort((a, b) => a[0] - b[0]).map(([sec, s]) => ({ ...s, t: sec }));
}

/**
 * The chart's lines for direction `dir` (0 = A→B, 1 = B→A): the net edge,
 * its mean and mean ± k·σ (σ floored at `minStd`, as the signal does).
 * Samples before the window has a σ draw no band.
 */
export function bands(samples: SpreadSample[], dir: 0 | 1, k: number, minStd = 0): Bands {
  const out: Bands = { net: [], mean: [], upper: [], lower: [] };
  for (const s of perSecond(samples)) {
    const time = s.t;
    out.net.push({ time, value: s.net[dir] });
    const sd = Math.max(s.std[dir], minStd);
    if (!(sd > 0)) continue;
    out.mean.push({ time, value: s.mean[dir] });
    out.upper.push({ time, value: s.mean[dir] + k * sd });
    out.lower.push({ time, value: s.mean[dir] - k * sd });
  }
  return out;
}

export interface OrderEntry {
  client_id: string; purpose: string; state: string; side: string; venue: string;
  ts_ns: number; filled: string;
}
export interface Marker { time: number; kind: "entry" | "exit"; text: string; id: string }

/**
 * One marker per order of the pair that filled (at its first fill): `open`
 * orders are entries, `close` and `flatten` orders exits. Hedges, unwinds and
 * rebalances are not marked (they keep the pair flat, they are not decisions).
 */
export function markers(orders: OrderEntry[]): Marker[] {
  const seen = new Set<string>();
  const out: Marker[] = [];
  for (const o of [...orders].sort((a, b) => a.ts_ns - b.ts_ns)) {
    if (seen.has(o.client_id)) continue;
    if (o.state !== "filled" && o.state !== "partially_filled") continue;
    const kind = o.purpose === "open" ? "entry" : o.purpose === "close" || o.purpose === "flatten" ? "exit" : null;
    if (!kind) continue;
    seen.add(o.client_id);
    out.push({ time: Math.floor(o.ts_ns / 1e9), kind, id: o.client_id,
      text: `${kind === "entry" ? "in" : "out"} ${o.side} ${o.venue}` });
  }
  return out;
}
