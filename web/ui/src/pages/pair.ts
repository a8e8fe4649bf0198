// Pair: live chart of the signal series (net edge after fees and slippage,
// bps) with its mean ± k·σ bands and entry/exit markers, z-scores, legs and
// positions per venue, tranche state, the parameter editor (validated by the
// node: every problem is listed next to the form) and flatten.

import { createChart, LineSeries, createSeriesMarkers, type IChartApi, type ISeriesApi,
  type UTCTimestamp, type ISeriesMarkersPluginApi, type Time } from "lightweight-charts";
import { Page, errorBox, section, showErrors } from "../app";
import { Table, badge, h, stat, setText } from "../dom";
import { api, pairPath } from "../api";
import { exact, money, num, ratioBps, signClass } from "../format";
import { SpreadSample, bands, markers, sampleOf, samplesFromCsv, type OrderEntry } from "../series";
import type { Item } from "../stream";

type Params = Record<string, unknown> & { signal?: Record<string, unknown> };

export const enumParams: Record<string, string[]> = {
  mode: ["normal_arb", "zero_wear"],
  style: ["taker_taker", "maker_taker"],
  maker: ["auto", "a", "b"],
  "signal.model": ["zscore", "mean_offset", "vol_adjusted", "persistent"],
};

/** {a:1, signal:{b:2}} -> [["a",1],["signal.b",2]] in key order. */
export function flattenParams(p: Params): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(p)) {
    if (k === "signal" && v && typeof v === "object") {
      for (const [sk, sv] of Object.entries(v as Record<string, unknown>)) out.push([`signal.${sk}`, sv]);
    } else out.push([k, v]);
  }
  return out;
}

/** The changed keys as the body of POST /api/pairs/{id}/params. */
export function patchOf(changes: Map<string, unknown>): Params {
  const body: Params = {};
  for (const [k, v] of changes) {
    if (k.startsWith("signal.")) (body.signal ??= {})[k.slice(7)] = v;
    else body[k] = v;
  }
  return body;
}

const HISTORY_S = 30 * 60;

export const pairPage: Page = {
  id: "pair",
  title: "Pair",
  mount(root, ctx) {
    const id = ctx.args[0] ?? "";
    if (!id) {
      root.append(h("h1", {}, "Pair"), h("p", {}, "Open a pair from the Market or Positions page."));
      return () => {};
    }
    let dir: 0 | 1 = 0;
    let params: Params = {};
    let samples: SpreadSample[] = [];
    let orders: OrderEntry[] = [];
    let disposed = false;

    // -- header and figures ---------------------------------------------------
    const phase = h("span", { id: "pair-phase" });
    const flatten = h("button", { type: "button", class: "danger", id: "pair-flatten" }, "Flatten pair");
    root.append(
      h("div", { class: "page-head" },
        h("h1", {}, h("a", { href: "#/market", class: "back", "aria-label": "back to market" }, "←"), " ", id),
        phase, flatten),
      h("div", { class: "stats" },
        stat("Spread A→B bps", "pair-sab"), stat("Spread B→A bps", "pair-sba"),
        stat("z A→B", "pair-zab"), stat("z B→A", "pair-zba"),
        stat("Tranches", "pair-tranches"), stat("Direction", "pair-dir"),
        stat("Net delta", "pair-delta"), stat("Net P&L", "pair-pnl")));

    // -- chart ----------------------------------------------------------------
    const dirSel = h("select", { id: "pair-dir-select", "aria-label": "direction" },
      h("option", { value: "0" }, "A→B (sell A, buy B)"), h("option", { value: "1" }, "B→A (sell B, buy A)"));
    const kInput = h("input", { type: "number", id: "pair-k", step: "0.1", min: "0.1", value: "2",
      "aria-label": "band width k (σ)", class: "short" });
    const chartBox = h("div", { class: "chart", id: "pair-chart", role: "img",
      "aria-label": "net edge in bps with mean and bands" });
    const legend = h("p", { class: "muted legend" },
      h("span", { class: "key net" }, "net edge"), h("span", { class: "key mean" }, "mean"),
      h("span", { class: "key band" }, "mean ± k·σ"), " ▲ entry ▼ exit");
    root.append(section("Spread",
      h("div", { class: "toolbar" }, h("label", {}, "Direction ", dirSel), h("label", {}, "k ", kInput), legend),
      chartBox));

    const chart: IChartApi = createChart(chartBox, {
      autoSize: true,
      layout: { background: { color: "#11151c" }, textColor: "#c9d1d9", attributionLogo: false },
      grid: { vertLines: { color: "#1f2630" }, horzLines: { color: "#1f2630" } },
      timeScale: { timeVisible: true, secondsVisible: true },
      rightPriceScale: { borderColor: "#30363d" },
    });
    const line = (color: string, width: 1 | 2, style = 0) => chart.addSeries(LineSeries,
      { color, lineWidth: width, lineStyle: style, priceLineVisible: false, lastValueVisible: width === 2 });
    const sNet = line("#58a6ff", 2);
    const sMean = line("#8b949e", 1, 2);
    const sUp = line("#d29922", 1);
    const sLow = line("#d29922", 1);
    const markerApi: ISeriesMarkersPluginApi<Time> = createSeriesMarkers(sNet as ISeriesApi<"Line", Time>, []);

    const minStd = () => Number((params.signal as Record<string, unknown> | undefined)?.min_std_bps ?? 0);
    const cutoff = () => Date.now() / 1000 - HISTORY_S;
    const draw = () => {
      samples = samples.filter((s) => s.t >= cutoff());
      const k = Number(kInput.value) > 0 ? Number(kInput.value) : 2;
      const b = bands(samples, dir, k, minStd());
      const ts = (p: { time: number; value: number }) => ({ time: p.time as UTCTimestamp, value: p.value });
      sNet.setData(b.net.map(ts));
      sMean.setData(b.mean.map(ts));
      sUp.setData(b.upper.map(ts));
      sLow.setData(b.lower.map(ts));
      const first = b.net.length ? b.net[0].time : Infinity;
      markerApi.setMarkers(markers(orders).filter((m) => m.time >= first).map((m) => ({
        time: m.time as UTCTimestamp, position: m.kind === "entry" ? "belowBar" : "aboveBar",
        shape: m.kind === "entry" ? "arrowUp" : "arrowDown",
        color: m.kind === "entry" ? "#3fb950" : "#f85149", text: m.text, id: m.id })));
      // Until the user has a long history to scroll, keep everything in view.
      if (b.net.length < 600) chart.timeScale().fitContent();
      chartBox.setAttribute("data-points", String(b.net.length));
      chartBox.setAttribute("data-markers", String(markers(orders).length));
    };
    let dirChosen = false; // until the operator picks one, the chart follows the open position
    dirSel.addEventListener("change", () => { dirChosen = true; dir = dirSel.value === "1" ? 1 : 0; draw(); });
    kInput.addEventListener("input", draw);

    // -- legs, positions and tranche state ---------------------------------------
    const legs = new Table<Item>([
      { title: "Venue", cell: (l) => String(l.venue) },
      { title: "Qty", cell: (l) => exact(String(l.qty)), num: true, cls: (l) => `${signClass(String(l.qty))}` },
      { title: "Avg entry", cell: (l) => exact(String(l.avg_entry)), num: true },
      { title: "Realized", cell: (l) => money(String(l.realized)), num: true },
      { title: "Fees", cell: (l) => money(String(l.fees)), num: true },
      { title: "Funding", cell: (l) => money(String(l.funding)), num: true },
      { title: "Unrealized", cell: (l) => money(String(l.unrealized)), num: true, cls: (l) => `${signClass(String(l.unrealized))}` },
      { title: "Funding rate", cell: (l) => exact(String(l.funding_rate)), num: true },
    ], { label: "legs", empty: "no legs" });
    const tranche = h("dl", { class: "facts", id: "pair-facts" });
    root.append(h("div", { class: "two" },
      section("Legs and positions", h("div", { class: "scroll" }, legs.el)),
      section("Tranche state", tranche)));

    const showPair = (p: Item) => {
      phase.replaceChildren(badge(String(p.phase ?? "")));
      setText("pair-sab", ratioBps(String(p.spread_ab)));
      setText("pair-sba", ratioBps(String(p.spread_ba)));
      setText("pair-zab", num(Number(p.z_ab)));
      setText("pair-zba", num(Number(p.z_ba)));
      setText("pair-tranches", `${Number(p.tranches ?? 0)} / ${String(params.max_tranches ?? "?")}`);
      const d = Number(p.direction ?? -1);
      if (!dirChosen && (d === 0 || d === 1) && d !== dir) {
        dir = d;
        dirSel.value = String(d);
        draw();
      }
      setText("pair-dir", d === 0 ? "short A / long B" : d === 1 ? "long A / short B" : "flat");
      setText("pair-delta", exact(String(p.net_delta ?? "0")));
      setText("pair-pnl", money(String(p.net_pnl ?? "0")), signClass(String(p.net_pnl ?? "0")));
      legs.update((p.legs ?? []) as Item[]);
      const fact = (k: string, v: string) => [h("dt", {}, k), h("dd", {}, v)];
      tranche.replaceChildren(...fact("Phase", String(p.phase)), ...fact("Mode", String(p.mode)),
        ...fact("Style", String(p.style)), ...fact("Round trips", String(p.round_trips ?? 0)),
        ...fact("Fills", String(p.fills ?? 0)), ...fact("Fees", money(String(p.fees ?? "0"))),
        ...fact("Funding", money(String(p.funding ?? "0"))),
        ...fact("Halt reason", String(p.halt_reason || "—")));
    };

    // -- parameter editor ---------------------------------------------------------
    const form = h("form", { class: "params", id: "params-form", novalidate: true });
    const errors = errorBox();
    errors.id = "params-errors";
    const saveBtn = h("button", { type: "submit", id: "params-save", form: "params-form" }, "Apply");
    const resetBtn = h("button", { type: "button", class: "secondary", id: "params-reset" }, "Reset");
    root.append(section("Parameters", h("p", { class: "muted" },
      "Changes apply at once to this pair; the node validates them and lists every problem (nothing changes then). ",
      "Units are in the key names (_bps, _ms, _s)."), errors, form,
      h("div", { class: "actions" }, resetBtn, saveBtn)));

    const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
    const buildForm = () => {
      inputs.clear();
      form.replaceChildren();
      for (const [key, value] of flattenParams(params)) {
        const fid = `param-${key.replace(/\./g, "-")}`;
        let input: HTMLInputElement | HTMLSelectElement;
        if (enumParams[key]) {
          input = h("select", { id: fid, name: key }, enumParams[key].map((o) =>
            h("option", { value: o, selected: o === value }, o)));
        } else if (typeof value === "number") {
          input = h("input", { id: fid, name: key, type: "number", step: "any", value: String(value), inputmode: "decimal" });
        } else if (typeof value === "boolean") {
          input = h("input", { id: fid, name: key, type: "checkbox", checked: value });
        } else {
          input = h("input", { id: fid, name: key, type: "text", value: String(value), inputmode: "decimal", spellcheck: "false" });
        }
        input.dataset.original = typeof value === "boolean" ? String(value) : String(value);
        input.addEventListener("input", () => input.classList.toggle("changed", valueOf(key, input) !== undefined));
        inputs.set(key, input);
        form.append(h("div", { class: "field", "data-key": key }, h("label", { for: fid }, key), input,
          h("span", { class: "field-error", id: `${fid}-error` })));
      }
    };
    /** The edited value of a key, or undefined if unchanged. */
    const valueOf = (key: string, input: HTMLInputElement | HTMLSelectElement): unknown => {
      const orig = input.dataset.original ?? "";
      if (input instanceof HTMLInputElement && input.type === "checkbox")
        return String(input.checked) === orig ? undefined : input.checked;
      if (input.value === orig) return undefined;
      const original = flattenParams(params).find(([k]) => k === key)?.[1];
      if (typeof original === "number") {
        const n = Number(input.value);
        // A non-number is sent as typed: the node answers with the key's error.
        return input.value.trim() !== "" && Number.isFinite(n) ? n : input.value;
      }
      return input.value;
    };
    const markErrors = (list: string[]) => {
      for (const el of form.querySelectorAll(".field")) el.classList.remove("invalid");
      for (const el of form.querySelectorAll(".field-error")) el.textContent = "";
      for (const e of list) {
        const m = /^(?:params\.)?([\w.]+):\s*(.*)$/.exec(e);
        if (!m) continue;
        const field = form.querySelector(`.field[data-key="${m[1]}"]`);
        if (!field) continue;
        field.classList.add("invalid");
        field.querySelector(".field-error")!.textContent = m[2];
        field.querySelector("input,select")?.setAttribute("aria-invalid", "true");
      }
    };
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const changes = new Map<string, unknown>();
      for (const [k, input] of inputs) {
        const v = valueOf(k, input);
        if (v !== undefined) changes.set(k, v);
      }
      if (changes.size === 0) { ctx.notify("nothing changed", "info"); return; }
      saveBtn.disabled = true;
      try {
        const res = await api.post<Params>(`${pairPath(id)}/params`, patchOf(changes));
        params = (res.params as Params | undefined) ?? res;
        showErrors(errors, null);
        markErrors([]);
        buildForm();
        ctx.notify(`parameters applied: ${[...changes.keys()].join(", ")}`, "good");
        draw();
      } catch (e) {
        showErrors(errors, e);
        markErrors((e as { errors?: string[] }).errors ?? []);
      } finally {
        saveBtn.disabled = false;
      }
    });
    resetBtn.addEventListener("click", () => { buildForm(); showErrors(errors, null); });

    flatten.addEventListener("click", async () => {
      if (!await ctx.confirm("Flatten pair", `Close every position of ${id} with reduce-only orders? Entries stay blocked until you resume.`, "Flatten"))
        return;
      try {
        await api.post(`${pairPath(id)}/flatten`, { reason: "console: flatten pair" });
        ctx.notify(`flatten sent for ${id}`, "good");
      } catch (e) { ctx.fail(e); }
    });

    // -- data ------------------------------------------------------------------------
    const loadPair = async () => {
      const res = await api.get<{ pair: Item; params: Params }>(pairPath(id));
      if (disposed) return;
      params = res.params;
      buildForm();
      kInput.value = String((params.signal as Record<string, unknown> | undefined)?.z_entry ?? 2);
      showPair(res.pair);
    };
    const loadHistory = async () => {
      const from = Math.floor((Date.now() / 1000 - HISTORY_S) * 1e9);
      const res = await fetch(`/api/export/spreads.csv?pair=${encodeURIComponent(id)}&from=${from}`, { cache: "no-store" });
      if (!res.ok || disposed) return;
      const old = samplesFromCsv(await res.text());
      samples = [...old, ...samples].sort((a, b) => a.t - b.t);
      draw();
    };
    const loadOrders = async () => {
      const res = await api.get<{ orders: OrderEntry[] }>(`/api/orders?limit=1000&pair=${encodeURIComponent(id)}`);
      if (disposed) return;
      orders = res.orders;
      draw();
    };
    loadPair().catch((e) => { root.append(h("p", { class: "form-error" }, `unknown pair: ${String((e as Error).message)}`)); });
    void loadHistory().catch(() => {});
    void loadOrders().catch(() => {});

    const offs = [
      ctx.stream.subscribe("spreads", (_t, d) => {
        const it = d.keyed.get(id);
        const s = it ? sampleOf(it) : null;
        if (s && (samples.length === 0 || s.t > samples[samples.length - 1].t)) { samples.push(s); draw(); }
        if (it) {
          setText("pair-zab", num(Number(it.z_ab)));
          setText("pair-zba", num(Number(it.z_ba)));
        }
      }),
      ctx.stream.subscribe("pairs", (_t, d) => { const p = d.keyed.get(id); if (p) showPair(p); }),
      ctx.stream.subscribe("orders", (_t, d) => {
        const mine = (d.log as unknown as (OrderEntry & { pair: string; seq: number })[]).filter((o) => o.pair === id);
        const known = new Set(orders.map((o) => `${o.client_id}/${o.state}`));
        const fresh = mine.filter((o) => !known.has(`${o.client_id}/${o.state}`));
        if (fresh.length) { orders = orders.concat(fresh); draw(); }
      }),
    ];
    return () => { disposed = true; offs.forEach((f) => f()); chart.remove(); };
  },
};
