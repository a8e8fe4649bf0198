// A few DOM helpers: the console is plain TypeScript, no framework. Pages
// build their skeleton once and update only the parts that change, so an
// input being edited is never replaced by a live update.

type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;
export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
    } else if (k === "class") {
      el.className = String(v);
    } else if (v === true) {
      el.setAttribute(k, "");
    } else {
      el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

export interface Column<T> {
  title: string;
  /** Cell content; a string is text (never HTML). */
  cell: (row: T) => Child | Child[];
  /** A number: right-aligned, monospace (header too). */
  num?: boolean;
  /** Extra class for the cell (e.g. the sign's colour). */
  cls?: string | ((row: T) => string);
  /** Tooltip / screen-reader description of the column. */
  hint?: string;
}

/** A table whose body is re-rendered by update(); the header stays. */
export class Table<T> {
  readonly el: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly empty: string;
  private readonly rowAttrs?: (row: T) => Attrs;

  constructor(private readonly columns: Column<T>[], opts: {
    label: string; empty?: string; rowAttrs?: (row: T) => Attrs } ) {
    this.empty = opts.empty ?? "nothing yet";
    this.rowAttrs = opts.rowAttrs;
    this.body = h("tbody");
    this.el = h("table", { class: "grid", "aria-label": opts.label },
      h("thead", {}, h("tr", {}, columns.map((c) =>
        h("th", { scope: "col", title: c.hint ?? null, class: c.num ? "num" : null },
          c.title)))),
      this.body);
  }

  update(rows: T[]): void {
    if (rows.length === 0) {
      fill(this.body, h("tr", { class: "empty" },
        h("td", { colspan: this.columns.length }, this.empty)));
      return;
    }
    const frag = document.createDocumentFragment();
    for (const row of rows) {
      const tr = h("tr", this.rowAttrs ? this.rowAttrs(row) : {});
      for (const c of this.columns) {
        const extra = typeof c.cls === "function" ? c.cls(row) : c.cls;
        const cls = [c.num ? "num" : "", extra ?? ""].filter(Boolean).join(" ");
        const td = h("td", { class: cls || null, "data-label": c.title });
        append(td, [c.cell(row)]);
        tr.append(td);
      }
      frag.append(tr);
    }
    this.body.replaceChildren(frag);
  }
}

/** A labelled figure for summary strips. */
export function stat(label: string, id: string): HTMLElement {
  return h("div", { class: "stat" }, h("span", { class: "stat-label" }, label),
    h("span", { class: "stat-value", id }, "—"));
}

export function setText(id: string, text: string, cls?: string): void {
  const el = document.getElementById(id);
  if (!el) return;
  el.textContent = text;
  if (cls !== undefined) el.className = `stat-value ${cls}`;
}

/** A state badge: "ready", "active", "halted" ... coloured by meaning. */
export function badge(state: string): HTMLElement {
  const s = state || "unknown";
  const tone = /^(ready|active|ok|flat|open|filled|connected|true)$/.test(s) ? "good"
    : /^(halted|stopped|rejected|error|critical|failed|down|disconnected)$/.test(s) ? "bad"
    : /^(warmup|starting|reducing|frozen|safe_mode|degraded|stale|warn|warning|opening|closing|hedging|resyncing|reconnecting)$/.test(s) ? "warn"
    : "neutral";
  return h("span", { class: `badge ${tone}` }, s);
}

/** Triggers a file download of a same-origin URL (CSV exports). */
export function download(url: string): void {
  const a = h("a", { href: url, download: "" });
  document.body.append(a);
  a.click();
  a.remove();
}
