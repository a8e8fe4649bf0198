// Config: venues (enabled, market-data source, credentials shown only as
// set / not set), the market-data mode; saving sends only what changed to
// POST /api/config, where the node validates the whole resulting config
// with the same rules as at startup and writes it (0600) for the next
// start. Secrets typed here are sent once and never shown again.

import { Page, errorBox, section, showErrors } from "../app";
import { badge, h } from "../dom";
import { api } from "../api";

const SECRETS = ["api_key", "api_secret", "passphrase"] as const;
const REDACTED = "<redacted>";

const ENDPOINTS = ["ws_url", "rest_url", "proxy"] as const;

interface VenueCfg {
  enabled: boolean; market_data: string; api_key: string; api_secret: string; passphrase: string;
  ws_url?: string; rest_url?: string; proxy?: string; symbols?: string[];
}
interface Cfg { market: { data: string; execution: string }; venues?: Record<string, VenueCfg>; [k: string]: unknown }
interface SaveReply { saved: boolean; dry_run: boolean; path: string; restart_required: boolean; changed: string[] }
interface FileDoc { path: string; exists: boolean; running_matches: boolean; config: Cfg | null }

/** A secret as the console shows it: never the value. */
export function secretState(v: string | undefined): "set" | "not set" {
  return v && v.length > 0 ? "set" : "not set";
}

/** Symbols as typed ("BTC-PERP, ETH-PERP" or one per line): trimmed, no empties. */
export function parseSymbols(text: string): string[] {
  return text.split(/[\s,]+/).map((x) => x.trim()).filter((x) => x.length > 0);
}

/** The POST body: only edited fields; secrets only when typed (""=keep). */
export function configPatch(
  running: Cfg, edits: { market_data_mode: string; venues: Record<string, Partial<VenueCfg> & { clear?: string[] }> }): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (edits.market_data_mode && edits.market_data_mode !== running.market.data) body.market = { data: edits.market_data_mode };
  const venues: Record<string, Record<string, unknown>> = {};
  for (const [name, e] of Object.entries(edits.venues)) {
    const cur = running.venues?.[name];
    const v: Record<string, unknown> = {};
    if (e.enabled !== undefined && e.enabled !== cur?.enabled) v.enabled = e.enabled;
    if (e.market_data !== undefined && e.market_data !== cur?.market_data) v.market_data = e.market_data;
    // Live endpoints: sent when they differ from the running value (a URL
    // shown with its credentials masked and left alone is not sent).
    for (const k of ENDPOINTS) {
      const typed = e[k];
      if (typed !== undefined && typed !== (cur?.[k] ?? "")) v[k] = typed;
    }
    if (e.symbols !== undefined && e.symbols.join(",") !== (cur?.symbols ?? []).join(",")) v.symbols = e.symbols;
    for (const s of SECRETS) {
      const typed = e[s];
      if (typed) v[s] = typed;
      else if (e.clear?.includes(s)) v[s] = "";
    }
    if (Object.keys(v).length) venues[name] = v;
  }
  if (Object.keys(venues).length) body.venues = venues;
  return body;
}

export const configPage: Page = {
  id: "config",
  title: "Config",
  mount(root, ctx) {
    let running: Cfg | null = null;
    const errors = errorBox();
    errors.id = "config-errors";
    const result = h("div", { id: "config-result", class: "notice", hidden: true, role: "status" });
    const fileInfo = h("p", { id: "config-file", class: "muted" });
    const modeSel = h("select", { id: "cfg-market-data", "aria-label": "market data source" },
      h("option", { value: "sim" }, "sim (simulated venues)"), h("option", { value: "live" }, "live (venue feeds)"));
    const runtimeMode = h("span", { id: "runtime-data-mode" });
    const rows = h("tbody");
    const validate = h("button", { type: "button", class: "secondary", id: "config-validate" }, "Validate");
    const save = h("button", { type: "button", id: "config-save" }, "Save");
    const runningJson = h("pre", { class: "json", id: "config-json" });

    const venueTable = h("table", { class: "grid", "aria-label": "venues" },
      h("thead", {}, h("tr", {}, ["Venue", "Enabled", "Market data", ...SECRETS, "Live feed (ws_url, rest_url, proxy, symbols)"].map((t) => h("th", { scope: "col" }, t)))),
      rows);

    root.append(h("h1", {}, "Config"),
      section("Market data",
        h("p", {}, "Running source: ", runtimeMode),
        h("div", { class: "toolbar wrap" }, h("label", { for: "cfg-market-data" }, "Source at next start "), modeSel)),
      section("Venues",
        h("p", { class: "muted" }, "Credentials are never shown: type a new value to replace one (it is sent once), or tick clear. ",
          "Changes are saved to the config file and apply at the next start."),
        h("div", { class: "scroll" }, venueTable)),
      errors, result,
      h("div", { class: "actions" }, validate, save), fileInfo,
      section("Running config (secrets masked)", h("details", {}, h("summary", {}, "show"), runningJson)));

    const collect = () => {
      const venues: Record<string, Partial<VenueCfg> & { clear?: string[] }> = {};
      for (const tr of rows.querySelectorAll<HTMLTableRowElement>("tr[data-venue]")) {
        const name = tr.dataset.venue!;
        const e: Partial<VenueCfg> & { clear?: string[] } = {
          enabled: tr.querySelector<HTMLInputElement>("input.enabled")!.checked,
          market_data: tr.querySelector<HTMLSelectElement>("select.md")!.value, clear: [] };
        for (const k of ENDPOINTS) e[k] = tr.querySelector<HTMLInputElement>(`input.ep-${k}`)!.value.trim();
        e.symbols = parseSymbols(tr.querySelector<HTMLInputElement>("input.ep-symbols")!.value);
        for (const s of SECRETS) {
          const inp = tr.querySelector<HTMLInputElement>(`input.secret-${s}`)!;
          if (inp.value) e[s] = inp.value;
          if (tr.querySelector<HTMLInputElement>(`input.clear-${s}`)?.checked) e.clear!.push(s);
        }
        venues[name] = e;
      }
      return { market_data_mode: modeSel.value, venues };
    };

    const send = async (dry: boolean) => {
      if (!running) return;
      const body = configPatch(running, collect());
      if (Object.keys(body).length === 0) { ctx.notify("nothing changed", "info"); return; }
      try {
        const r = await api.post<SaveReply>(`/api/config${dry ? "?dry_run=true" : ""}`, body);
        showErrors(errors, null);
        result.hidden = false;
        result.replaceChildren(dry ? `Valid: ${r.changed.length} change(s) would be saved to ${r.path}.`
          : `Saved to ${r.path}. ${r.restart_required ? "Restart the node to apply: " : "Applied: "}${r.changed.join(", ") || "no effective change"}.`);
        result.className = "notice good";
        if (!dry) {
          for (const inp of rows.querySelectorAll<HTMLInputElement>("input[type=password]")) inp.value = "";
          void loadFile();
        }
      } catch (e) {
        result.hidden = true;
        showErrors(errors, e);
      }
    };
    validate.addEventListener("click", () => void send(true));
    save.addEventListener("click", () => void send(false));

    /** The form shows `c` (the saved file when it waits for a restart), marking what differs from `live`. */
    const render = (c: Cfg, live: Cfg) => {
      running = c;
      modeSel.value = c.market.data;
      runtimeMode.replaceChildren(badge(live.market.data), ` execution: ${live.market.execution}`);
      rows.replaceChildren();
      for (const [name, v] of Object.entries(c.venues ?? {})) {
        const now = live.venues?.[name];
        const pending = !now || now.enabled !== v.enabled || now.market_data !== v.market_data
          || SECRETS.some((s) => (v[s] || "") !== (now[s] || ""))
          || ENDPOINTS.some((k) => (v[k] ?? "") !== (now[k] ?? ""))
          || (v.symbols ?? []).join(",") !== (now.symbols ?? []).join(",");
        const secretCell = (s: (typeof SECRETS)[number]) => {
          const state = secretState(v[s] === REDACTED ? "x" : v[s]);
          return h("td", { "data-label": s },
            h("input", { type: "password", class: `secret-${s}`, autocomplete: "off", "aria-label": `${name} ${s}`,
              placeholder: state === "set" ? "set (hidden)" : "not set" }),
            state === "set" ? h("label", { class: "small" }, h("input", { type: "checkbox", class: `clear-${s}` }), " clear") : null);
        };
        rows.append(h("tr", { "data-venue": name },
          h("th", { scope: "row" }, name, pending ? h("span", { class: "chip warn", title: "saved, applies at the next start" }, " pending") : null),
          h("td", { "data-label": "enabled" }, h("input", { type: "checkbox", class: "enabled", checked: v.enabled, "aria-label": `${name} enabled` })),
          h("td", { "data-label": "market data" }, h("select", { class: "md", "aria-label": `${name} market data` },
            ["sim", "live"].map((m) => h("option", { value: m, selected: m === v.market_data }, m)))),
          ...SECRETS.map(secretCell),
          h("td", { "data-label": "live feed", class: "endpoints" },
            ...ENDPOINTS.map((k) => h("input", { type: "text", class: `ep-${k}`, value: v[k] ?? "",
              "aria-label": `${name} ${k}`, placeholder: k === "proxy" ? "proxy: none" : `${k}: venue default`,
              autocomplete: "off", spellcheck: "false" })),
            h("input", { type: "text", class: "ep-symbols", value: (v.symbols ?? []).join(", "),
              "aria-label": `${name} symbols`, placeholder: "symbols: those of the pairs", autocomplete: "off",
              spellcheck: "false" }))));
      }
      runningJson.textContent = JSON.stringify(live, null, 2);
    };
    const load = async () => {
      const live = await api.get<Cfg>("/api/config");
      let f: FileDoc | null = null;
      try { f = await api.get<FileDoc>("/api/config/file"); } catch { /* older node: running config only */ }
      const pending = f !== null && f.exists && !f.running_matches && f.config !== null;
      fileInfo.textContent = f ? `Config file: ${f.path}${f.exists ? "" : " (not written yet)"}${pending ? " — saved changes wait for a restart (marked pending)" : ""}` : "";
      render(pending ? f!.config! : live, live);
    };
    const loadFile = () => load().catch(ctx.fail);
    void loadFile();
    return () => {};
  },
};
