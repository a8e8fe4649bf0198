// Display formatting. Money, prices and sizes arrive as exact decimal
// strings and are rounded here as strings (never through a double), so a
// figure on screen is the server's figure, only shortened.

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** True for a decimal string the server writes ("-12.5", "0", "3"). */
export function isDecimal(s: unknown): s is string {
  return typeof s === "string" && DECIMAL.test(s);
}

/** Rounds a decimal string to `dp` places, half away from zero, exactly. */
export function roundDecimal(s: string, dp: number): string {
  const m = DECIMAL.exec(s);
  if (!m) return s;
  const sign = m[1] === "-" ? "-" : "";
  let int = m[2].replace(/^0+(?=\d)/, "");
  let frac = m[3] ?? "";
  if (frac.length > dp) {
    const roundUp = frac.charCodeAt(dp) >= 53; // '5'
    frac = frac.slice(0, dp);
    if (roundUp) {
      // Add one unit in the last kept place, carrying through the digits.
      const digits = (int + frac).split("").map(Number);
      let i = digits.length - 1;
      for (; i >= 0; --i) {
        if (digits[i] < 9) { digits[i] += 1; break; }
        digits[i] = 0;
      }
      if (i < 0) digits.unshift(1);
      const all = digits.join("");
      int = all.slice(0, all.length - dp) || "0";
      frac = all.slice(all.length - dp);
    }
  }
  frac = frac.padEnd(dp, "0");
  const body = dp > 0 ? `${int}.${frac}` : int;
  return /^[0.]+$/.test(body) ? body : sign + body;
}

/** "1234567.5" -> "1,234,567.5". */
export function groupThousands(s: string): string {
  const m = DECIMAL.exec(s);
  if (!m) return s;
  const int = m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${m[1]}${int}${m[3] !== undefined ? "." + m[3] : ""}`;
}

/** Money for tables: 2 decimals, grouped, exact. */
export function money(s: string | null | undefined, dp = 2): string {
  if (s === null || s === undefined || s === "") return "—";
  return isDecimal(s) ? groupThousands(roundDecimal(s, dp)) : s;
}

/** A price or size: the exact string, grouped (no rounding: ticks matter). */
export function exact(s: string | null | undefined): string {
  if (s === null || s === undefined || s === "") return "—";
  return isDecimal(s) ? groupThousands(s) : s;
}

/** Sign of a decimal string: -1, 0 or 1. */
export function signOf(s: string | null | undefined): number {
  if (!s || !isDecimal(s)) return 0;
  if (/^[+-]?0*(\.0*)?$/.test(s)) return 0;
  return s.startsWith("-") ? -1 : 1;
}

/** CSS class for a signed figure. */
export function signClass(v: string | number | null | undefined): string {
  const s = typeof v === "number" ? (v > 0 ? 1 : v < 0 ? -1 : 0) : signOf(v ?? "");
  return s > 0 ? "pos" : s < 0 ? "neg" : "";
}

export function num(v: number | null | undefined, dp = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  return v.toFixed(dp);
}

export function bps(v: number | null | undefined, dp = 2): string {
  return v === null || v === undefined ? "—" : `${num(v, dp)}`;
}

/** A ratio string ("0.000125") in basis points, for display only. */
export function ratioBps(s: string | null | undefined, dp = 2): string {
  if (!s || !isDecimal(s)) return "—";
  return (Number(s) * 10_000).toFixed(dp);
}

/** Seconds as a short age: "85 ms", "2.4 s", "3 min", "2 h". */
export function age(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Nanoseconds since the epoch as "HH:MM:SS.mmm" UTC. */
export function clock(ns: number | null | undefined): string {
  if (!ns) return "—";
  const d = new Date(Math.floor(ns / 1e6));
  return d.toISOString().slice(11, 23);
}

/** Nanoseconds since the epoch as an ISO-8601 UTC date and time. */
export function isoTime(ns: number | null | undefined): string {
  if (!ns) return "—";
  return new Date(Math.floor(ns / 1e6)).toISOString().replace("T", " ").replace("Z", " UTC");
}
