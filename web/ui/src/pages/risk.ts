// Risk: the guard's state, limits and their utilisation, venue / symbol /
// pair states, breakers, capital layers; the kill switch (halt, resume,
// flatten all), engine and mode, and the live-order switch, which needs the
// confirmation text typed exactly (the node checks it again).

import { Page, errorBox, every, section, showErrors } from "../app";
import { Table, badge, h, stat, setText } from "../dom";
import { api, ApiError } from "../api";
import { money, num, signClass } from "../format";
import type { Item } from "../stream";

/**
 * used / limit as a share (display only); null when there is no limit.
 * Exposure counts either sign (|used|); a loss only when it is one
 * (`lossOnly`: a negative daily loss is a gain and uses nothing).
 */
export function utilisation(used: string | number, limit: string | number, lossOnly = false): number | null {
  const raw = Number(used);
  const u = lossOnly ? Math.max(0, raw) : Math.abs(raw), l = Number(limit);
  return Number.isFinite(u) && Number.isFinite(l) && l > 0 ? u / l : null;
}

function bar(share: number | null): HTMLElement {
  if (share === null) return h("span", { class: "muted" }, "—");
  const pct = Math.min(100, share * 100);
  const tone = share >= 0.9 ? "bad" : share >= 0.7 ? "warn" : "good";
  return h("span", { class: "util" }, h("span", { class: `util-bar ${tone}`, style: `width:${pct.toFixed(1)}%` }),
    h("span", { class: "util-text" }, `${(share * 100).toFixed(1)} %`));
}

interface Limit { name: string; used: string; limit: string; lossOnly?: boolean }

export const riskPage: Page = {
  id: "risk",
  title: "Risk",
  mount(root, ctx) {
    let confirmText = "ENABLE_LIVE_ORDER";
    let liveOn = false;
    const limits = new Table<Limit>([
      { title: "Limit", cell: (l) => l.name },
      { title: "Used", cell: (l) => money(l.used), num: true },
      { title: "Limit", cell: (l) => money(l.limit), num: true },
      { title: "Utilisation", cell: (l) => bar(utilisation(l.used, l.limit, l.lossOnly)) },
    ], { label: "limits and utilisation" });
    const venues = new Table<Item>([
      { title: "Venue", cell: (v) => String(v.venue) },
      { title: "State", cell: (v) => badge(String(v.state)) },
      { title: "Entries", cell: (v) => (v.entries ? "allowed" : "blocked") },
      { title: "Gross", cell: (v) => money(String(v.gross)), num: true },
      { title: "Net", cell: (v) => money(String(v.net)), num: true },
      { title: "Leverage", cell: (v) => bar(utilisation(Number(v.leverage), Number(v.max_leverage))),
        hint: "leverage / max leverage" },
      { title: "Equity", cell: (v) => money(String(v.equity)), num: true },
      { title: "Drawdown %", cell: (v) => num(Number(v.drawdown_pct)), num: true },
      { title: "Reason", cell: (v) => String(v.reason ?? "") },
    ], { label: "venue states" });
    const scopes = new Table<Item>([
      { title: "Scope", cell: (s) => String(s.pair ?? s.symbol) },
      { title: "State", cell: (s) => badge(String(s.state)) },
      { title: "Entries", cell: (s) => (s.entries ? "allowed" : "blocked") },
      { title: "Net", cell: (s) => (s.net !== undefined ? money(String(s.net)) : "") , num: true },
      { title: "P&L", cell: (s) => (s.pnl !== undefined ? money(String(s.pnl)) : ""), num: true, cls: (s) => `${signClass(String(s.pnl ?? ""))}` },
      { title: "Reason", cell: (s) => String(s.reason ?? "") },
    ], { label: "symbol and pair states" });
    const layers = new Table<Item>([
      { title: "Venue", cell: (l) => String(l.venue) },
      { title: "Layer", cell: (l) => String(l.layer) },
      { title: "Share", cell: (l) => String(l.target_share), num: true },
      { title: "Allocation", cell: (l) => money(String(l.allocation)), num: true },
      { title: "Used", cell: (l) => money(String(l.used)), num: true },
      { title: "Available", cell: (l) => money(String(l.available)), num: true },
      { title: "Utilisation", cell: (l) => bar(Number(l.utilisation)) },
      { title: "Allowed", cell: (l) => (l.allowed ? "yes" : "no") },
    ], { label: "capital layers" });
    const breakers = h("div", { id: "risk-breakers", class: "chips" });

    // -- controls -------------------------------------------------------------
    const reason = h("input", { type: "text", id: "risk-reason", placeholder: "reason (optional, logged)", maxlength: 200, "aria-label": "reason" });
    const scope = h("input", { type: "text", id: "risk-scope", placeholder: "scope: pair, venue or symbol (empty = all)", "aria-label": "resume scope" });
    const btn = (id: string, text: string, cls = "") => h("button", { type: "button", id, class: cls }, text);
    const halt = btn("risk-halt", "Halt", "danger");
    const resume = btn("risk-resume", "Resume");
    const flattenAll = btn("risk-flatten-all", "Flatten all", "danger");
    const engineStart = btn("engine-start", "Engine start", "secondary");
    const engineStop = btn("engine-stop", "Engine stop", "secondary");
    const mode = h("select", { id: "trade-mode", "aria-label": "trade mode" },
      h("option", { value: "normal_arb" }, "normal_arb"), h("option", { value: "zero_wear" }, "zero_wear"));
    const body = () => (reason.value.trim() ? { reason: reason.value.trim() } : {});
    const command = async (title: string, text: string, path: string, payload: unknown, danger = true) => {
      if (danger && !await ctx.confirm(title, text, title)) return;
      try {
        await api.post(path, payload);
        ctx.notify(`${title}: sent`, "good");
      } catch (e) { ctx.fail(e); }
    };
    halt.addEventListener("click", () => command("Halt", "Cancel every open order and stop all trading everywhere?", "/api/halt", body()));
    flattenAll.addEventListener("click", () => command("Flatten all", "Close every position of every pair with reduce-only orders?", "/api/flatten-all", body()));
    resume.addEventListener("click", () => command("Resume", scope.value.trim() ? `Resume ${scope.value.trim()}?` : "Resume trading everywhere?",
      "/api/resume", { ...body(), ...(scope.value.trim() ? { scope: scope.value.trim() } : {}) }));
    engineStart.addEventListener("click", () => command("Engine start", "", "/api/engine/start", body(), false));
    engineStop.addEventListener("click", () => command("Engine stop", "", "/api/engine/stop", body(), false));
    mode.addEventListener("change", () => command("Mode", "", "/api/mode", { mode: mode.value }, false));

    // Live orders: typed confirmation, refused here when it does not match.
    const liveState = h("span", { id: "live-state" }, "…");
    const liveText = h("input", { type: "text", id: "live-confirm", autocomplete: "off", spellcheck: "false",
      "aria-describedby": "live-help", "aria-label": "confirmation text" });
    const liveHelp = h("p", { id: "live-help", class: "muted" });
    const liveErr = errorBox();
    liveErr.id = "live-error";
    const liveOnBtn = btn("live-enable", "Enable live orders", "danger");
    const liveOffBtn = btn("live-disable", "Disable live orders", "secondary");
    liveOnBtn.addEventListener("click", async () => {
      if (liveText.value !== confirmText) {
        showErrors(liveErr, new ApiError(0, "confirmation_required",
          `type ${confirmText} exactly to switch live orders on: nothing was sent`));
        liveText.setAttribute("aria-invalid", "true");
        liveText.focus();
        return;
      }
      liveText.removeAttribute("aria-invalid");
      try {
        await api.post("/api/runtime/order-execution", { live_order_enabled: true, confirm_text: liveText.value });
        showErrors(liveErr, null);
        ctx.notify("live orders enabled", "bad");
      } catch (e) { showErrors(liveErr, e); }
      liveText.value = "";
      void loadSwitches();
    });
    liveOffBtn.addEventListener("click", async () => {
      try {
        await api.post("/api/runtime/order-execution", { live_order_enabled: false });
        showErrors(liveErr, null);
        ctx.notify("live orders disabled", "good");
      } catch (e) { showErrors(liveErr, e); }
      void loadSwitches();
    });
    const loadSwitches = async () => {
      const s = await api.get<{ node: { live_order_enabled: boolean; execution: string; trade_mode: string; engine_running: boolean } }>("/api/status");
      liveOn = s.node.live_order_enabled;
      liveState.replaceChildren(badge(liveOn ? "LIVE" : "off"), ` execution: ${s.node.execution}`);
      liveState.setAttribute("data-live", String(liveOn));
      mode.value = s.node.trade_mode;
      setText("risk-engine", s.node.engine_running ? "on" : "off");
    };

    root.append(h("h1", {}, "Risk"),
      h("div", { class: "stats" }, stat("State", "risk-state"), stat("Equity", "risk-equity"),
        stat("Drawdown %", "risk-dd"), stat("Daily loss", "risk-daily"), stat("Gross", "risk-gross"),
        stat("Net", "risk-net"), stat("Engine", "risk-engine")),
      section("Kill switch and engine",
        h("div", { class: "toolbar wrap" }, reason, scope),
        h("div", { class: "toolbar wrap" }, halt, resume, flattenAll, engineStart, engineStop, h("label", {}, "Mode ", mode))),
      section("Live orders",
        h("p", {}, "Live orders: ", liveState),
        liveHelp, liveErr,
        h("div", { class: "toolbar wrap" }, h("label", { for: "live-confirm" }, "Confirmation "), liveText, liveOnBtn, liveOffBtn)),
      section("Limits and utilisation", h("div", { class: "scroll" }, limits.el)),
      section("Breakers", breakers),
      section("Venues", h("div", { class: "scroll" }, venues.el)),
      section("Symbols and pairs", h("div", { class: "scroll tall" }, scopes.el)),
      section("Capital layers", h("div", { class: "scroll" }, layers.el)));

    const show = (r: Item) => {
      const state = String(r.state ?? "");
      const stateEl = document.getElementById("risk-state");
      if (stateEl) stateEl.replaceChildren(badge(state), r.reason ? ` ${String(r.reason)}` : "");
      setText("risk-equity", money(String(r.equity)));
      setText("risk-dd", num(Number(r.drawdown_pct)));
      setText("risk-daily", money(String(r.daily_loss)));
      setText("risk-gross", money(String(r.total_gross)));
      setText("risk-net", money(String(r.total_net)));
      const lim = (r.limits ?? {}) as Record<string, unknown>;
      const br = (lim.breakers ?? {}) as Record<string, unknown>;
      const rows: Limit[] = [
        { name: "total gross", used: String(r.total_gross), limit: String(lim.max_total_gross) },
        { name: "total net", used: String(r.total_net), limit: String(lim.max_total_net) },
        { name: "daily loss", used: String(r.daily_loss), limit: String(br.daily_loss ?? "0"), lossOnly: true },
        { name: "drawdown %", used: String(r.drawdown_pct), limit: String(br.drawdown_pct ?? "0") },
      ];
      for (const v of (r.venues ?? []) as Item[])
        rows.push({ name: `${String(v.venue)} gross`, used: String(v.gross), limit: String(lim.max_venue_gross) },
          { name: `${String(v.venue)} net`, used: String(v.net), limit: String(lim.max_venue_net) });
      limits.update(rows);
      venues.update((r.venues ?? []) as Item[]);
      scopes.update([...((r.symbols ?? []) as Item[]), ...((r.pairs ?? []) as Item[])]);
      layers.update(((r.capital ?? []) as Item[]).flatMap((c) =>
        ((c.layers ?? []) as Item[]).map((l) => ({ ...l, venue: c.venue }))));
      const trips = (r.trips_total ?? {}) as Record<string, number>;
      const active = (r.breakers ?? []) as Item[];
      breakers.replaceChildren(
        ...(active.length ? active.map((b) => h("span", { class: "chip bad" }, `${String(b.breaker ?? b.name ?? "breaker")}: ${String(b.scope ?? "")} ${String(b.reason ?? "")}`))
          : [h("span", { class: "chip" }, "no breaker tripped")]),
        ...Object.entries(trips).filter(([, n]) => n > 0).map(([k, n]) => h("span", { class: "chip warn" }, `${k} tripped ×${n}`)));
    };

    const offs = [
      ctx.stream.subscribe("risk", (_t, d) => { const r = d.keyed.get("risk"); if (r) show(r); }),
      every(3000, loadSwitches),
    ];
    void api.get<Item>("/api/risk").then(show).catch(() => {});
    void api.get<{ web?: { live_confirm_text?: string } }>("/api/config").then((c) => {
      confirmText = c.web?.live_confirm_text ?? confirmText;
      liveHelp.textContent = `To switch live orders on, type ${confirmText} and press Enable. The node also needs market.execution = "live" in its config.`;
    }).catch(() => {});
    return () => offs.forEach((f) => f());
  },
};
