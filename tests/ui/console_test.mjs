// The browser console in a real browser: Debian's chromium driven by
// playwright-core (from web/ui/node_modules), against a real xarb node on
// loopback running the embedded default (simulated venues, paper
// execution). Every page must render with live data, a parameter change
// must round-trip, flatten must reach the pair, the live-order switch must
// refuse without the confirmation text, the connection indicator must show
// a reconnect, and the console must work same-origin behind nginx. A
// screenshot of each page is written to --out.
//
//   node tests/ui/console_test.mjs --xarb build/asan/nodes/xarb --out build/asan/ui-screenshots
//
// No internet: the node, nginx and chromium only talk over 127.0.0.1.

import { spawn, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const require = createRequire(path.join(repo, "web/ui/package.json"));
let chromium;
try { ({ chromium } = require("playwright-core")); }
catch { console.error("FAIL: playwright-core is not installed in web/ui/node_modules: run make ui"); process.exit(1); }

// -- arguments -------------------------------------------------------------------
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const XARB = path.resolve(args.xarb ?? path.join(repo, "build/release/nodes/xarb"));
const OUT = path.resolve(args.out ?? path.join(repo, "build/ui-screenshots"));
const UI_DIR = path.resolve(args["ui-dir"] ?? path.join(repo, "web/ui/dist"));
const CHROMIUM = args.chromium ?? process.env.XARB_CHROMIUM ?? "/usr/bin/chromium";
const TOKEN = "console-test-token-0123456789abcdef";
const slow = Number(process.env.XARB_TEST_SLOW ?? (XARB.includes("asan") ? 3 : 1));

for (const [what, p] of [["xarb binary", XARB], ["console build (make ui)", path.join(UI_DIR, "index.html")], ["chromium", CHROMIUM]])
  if (!fs.existsSync(p)) { console.error(`FAIL: ${what} not found at ${p}`); process.exit(1); }
fs.mkdirSync(OUT, { recursive: true });

// -- tiny test framework ---------------------------------------------------------
let failures = 0, checks = 0;
const results = [];
function check(cond, what) {
  checks++;
  if (!cond) { failures++; console.error(`  FAIL ${what}`); } else console.log(`  ok   ${what}`);
  return cond;
}
async function step(name, fn) {
  const t0 = Date.now();
  console.log(`- ${name}`);
  try { await fn(); } catch (e) { failures++; console.error(`  FAIL ${name}: ${e.stack ?? e}`); }
  results.push([name, Date.now() - t0]);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(fn, what, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs * slow;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

// -- the node --------------------------------------------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "xarb-ui-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
let node = null;
const logPath = path.join(OUT, "node.log");
const log = fs.openSync(logPath, "a");
function startNode() {
  node = spawn(XARB, ["run"], {
    env: { ...process.env, XARB_API_TOKEN: TOKEN, XARB_DATA_DIR: dataDir, XARB_LISTEN: `127.0.0.1:${port}`,
      ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? "detect_leaks=0" },
    stdio: ["ignore", log, log],
  });
  node.exited = new Promise((r) => node.on("exit", (code, sig) => r({ code, sig })));
}
async function stopNode() {
  if (!node) return;
  node.kill("SIGTERM");
  const t = setTimeout(() => node.kill("SIGKILL"), 30_000);
  const r = await node.exited;
  clearTimeout(t);
  node = null;
  return r;
}
async function getJson(p, init) {
  const res = await fetch(base + p, init);
  const text = await res.text();
  try { return { status: res.status, body: JSON.parse(text) }; } catch { return { status: res.status, body: text }; }
}
const post = (p, body) => getJson(p, { method: "POST", headers: { Authorization: `Bearer ${TOKEN}`,
  "Content-Type": "application/json" }, body: JSON.stringify(body ?? {}) });
async function waitReady() {
  await until(async () => (await fetch(base + "/readyz")).status === 200, "the node's /readyz", 90_000);
}

// -- nginx in front (same origin /api, /ws and the console) ---------------------------
let nginx = null;
async function startNginx(upstreamPort) {
  const bin = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => fs.existsSync(p));
  if (!bin) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xarb-nginx-"));
  const nport = await freePort();
  const site = fs.readFileSync(path.join(repo, "deploy/nginx/xarb.conf"), "utf8")
    .replace(/listen\s+[^;]+;/, `listen 127.0.0.1:${nport};`)
    .replace(/server\s+127\.0\.0\.1:\d+;/, `server 127.0.0.1:${upstreamPort};`)
    .replace(/^\s*ssl_.*$/mg, "").replace(/^\s*include\s+snippets.*$/mg, "");
  // As root, nginx's workers would run as nobody and could not use the temp dir.
  const user = process.getuid?.() === 0 ? "user root;" : "";
  const conf = `${user} worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn; daemon off;
events { worker_connections 64; }
http { access_log ${dir}/access.log; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  ${site} }`;
  fs.writeFileSync(path.join(dir, "nginx.conf"), conf);
  try { execFileSync(bin, ["-t", "-p", dir, "-c", path.join(dir, "nginx.conf")], { stdio: "pipe" }); }
  catch (e) { throw new Error(`nginx -t refused deploy/nginx/xarb.conf: ${e.stderr}`); }
  nginx = spawn(bin, ["-p", dir, "-c", path.join(dir, "nginx.conf")], { stdio: "ignore" });
  await until(async () => (await fetch(`http://127.0.0.1:${nport}/healthz`)).ok, "nginx", 10_000);
  return `http://127.0.0.1:${nport}`;
}

// -- run --------------------------------------------------------------------------------
startNode();
let browser;
try {
  await step("node starts (embedded default) and serves the console", async () => {
    await waitReady();
    const res = await fetch(base + "/");
    const html = await res.text();
    check(res.status === 200 && html.includes('<div id="app">'), "GET / is the console's index.html");
    check((res.headers.get("content-security-policy") ?? "").includes("default-src 'self'"), "with a Content-Security-Policy");
  });

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"] });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  const posts = [];
  page.on("request", (r) => { if (r.method() === "POST") posts.push(r.url()); });
  const shot = async (name, p = page) => {
    await p.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
  };
  const go = async (hash) => { await page.evaluate((h) => { location.hash = h; }, hash); };
  const rows = (sel) => page.locator(`${sel} tbody tr:not(.empty)`).count();

  await step("first visit asks for the token; the stream goes live", async () => {
    await page.goto(base + "/");
    const dlg = page.locator("dialog.token");
    await dlg.waitFor({ state: "visible", timeout: 10_000 * slow });
    check(await page.locator("#conn").getAttribute("data-state") === "unauthorized", "indicator: unauthorized before a token");
    await page.fill("#token-input", "short");
    await page.click("#token-save");
    check((await dlg.locator(".form-error").textContent()).includes("16 characters"), "a short token is refused in the dialog");
    await page.fill("#token-input", TOKEN);
    await page.keyboard.press("Enter");
    await until(async () => await page.locator("#conn").getAttribute("data-state") === "live", "indicator live", 20_000);
    check(true, "indicator shows live after the token");
    check(await page.evaluate(() => localStorage.getItem("xarb.token")) === TOKEN, "token kept in this browser");
  });

  await step("Market: live top spreads, funding, keyboard to open a pair", async () => {
    await go("#/market");
    await until(async () => (await rows("table[aria-label='top spreads']")) > 0, "ranked rows");
    await until(async () => (await rows("table[aria-label='funding differentials']")) > 0, "funding rows");
    await until(async () => (await page.locator("#market-stale").textContent()).includes("live"), "rows from the stream");
    check(true, "rows come from the stream (rankings topic)");
    await shot("market");
  });

  let pairId = "";
  await step("Pair: chart with bands and live z, legs, parameters", async () => {
    // Keyboard: focus the first row that is a traded pair and press Enter.
    const link = page.locator("table[aria-label='top spreads'] a.row-link").first();
    await link.waitFor({ timeout: 20_000 * slow });
    await link.focus();
    await page.keyboard.press("Enter");
    await until(async () => (await page.evaluate(() => location.hash)).startsWith("#/pair/"), "pair page");
    pairId = decodeURIComponent((await page.evaluate(() => location.hash)).slice("#/pair/".length));
    check(pairId.includes(":") && pairId.includes("/"), `opened pair ${pairId}`);
    await until(async () => Number(await page.locator("#pair-chart").getAttribute("data-points")) >= 3, "spread chart points", 60_000);
    check(await page.locator("#pair-chart canvas").count() > 0, "chart canvas drawn");
    await until(async () => (await page.locator("#pair-zab").textContent()) !== "—", "z-score shown");
    check(await rows("table[aria-label='legs']") === 2, "two legs");
    check(await page.locator("#params-form .field").count() > 20, "parameter editor lists the pair's parameters");
    await shot("pair");
  });

  await step("Pair: a parameter change round-trips; an invalid one lists the node's errors", async () => {
    await page.fill("#param-min_profit_bps", "3.5");
    await page.click("#params-save");
    await until(async () => (await page.locator(".toast.good").allTextContents()).some((t) => t.includes("min_profit_bps")), "applied notice");
    const after = await getJson(`/api/pairs/${encodeURIComponent(pairId)}`);
    check(after.body.params.min_profit_bps === 3.5, "the node has min_profit_bps = 3.5");
    await page.reload();
    await page.locator("#param-min_profit_bps").waitFor();
    await until(async () => (await page.inputValue("#param-min_profit_bps")) === "3.5", "the form shows 3.5 after a reload");
    check(true, "reloaded form shows the node's value");
    // z_exit above z_entry: refused, every problem listed, nothing changed.
    const zEntry = after.body.params.signal.z_entry;
    await page.fill("#param-signal-z_exit", String(zEntry + 1));
    await page.fill("#param-order_notional", "-5");
    await page.click("#params-save");
    await page.locator("#params-errors li").first().waitFor({ timeout: 10_000 * slow });
    const errs = await page.locator("#params-errors li").allTextContents();
    check(errs.some((e) => e.includes("z_exit")) && errs.some((e) => e.includes("order_notional")), `both problems listed: ${errs.join(" | ")}`);
    check(await page.locator(".field.invalid").count() >= 2, "the invalid fields are marked");
    const still = await getJson(`/api/pairs/${encodeURIComponent(pairId)}`);
    check(still.body.params.signal.z_exit === after.body.params.signal.z_exit && still.body.params.order_notional === after.body.params.order_notional,
      "nothing changed on the node");
    await shot("pair-invalid-params");
    await page.click("#params-reset");
  });

  await step("Pair: flatten asks first, then reaches the pair", async () => {
    const before = posts.length;
    await page.click("#pair-flatten");
    await page.locator("dialog.confirm").waitFor();
    await page.click("dialog.confirm button.secondary"); // cancel
    check(posts.length === before, "cancel sends nothing");
    await page.click("#pair-flatten");
    await page.click("dialog.confirm button.danger");
    await until(async () => (await page.locator(".toast.good").allTextContents()).some((t) => t.includes("flatten sent")), "flatten notice");
    check(posts.slice(before).some((u) => u.endsWith(`/api/pairs/${encodeURIComponent(pairId)}/flatten`)), "POST .../flatten sent");
    const ev = await until(async () => {
      const r = await getJson("/api/events?limit=200");
      return r.body.events.find((e) => e.text.startsWith(`operator flatten_pair ${pairId}`));
    }, "the operator's flatten event");
    check(!!ev, `event: ${ev?.source}: ${ev?.text}`);
    const risk = await until(async () => {
      const r = await getJson("/api/risk");
      const p = r.body.pairs.find((x) => x.pair === pairId);
      return p && p.entries === false ? p : null;
    }, "the pair reducing (no entries) at the risk guard");
    check(risk.state !== "active", `risk state of the pair: ${risk.state} (${risk.reason})`);
    const resumed = await post("/api/resume", {});
    check(resumed.status === 202, "resume accepted");
  });

  await step("Orders & fills: live rows, filters, CSV", async () => {
    await page.keyboard.press("Escape");
    await page.locator("body").click({ position: { x: 5, y: 300 } });
    await page.keyboard.press("2"); // keyboard shortcut: second page
    await until(async () => (await page.evaluate(() => location.hash)) === "#/orders", "orders page by key 2");
    await until(async () => (await rows("table[aria-label='orders']")) > 0, "order rows (the simulated market trades)", 180_000);
    await until(async () => (await rows("table[aria-label='fills']")) > 0, "fill rows", 60_000);
    const total = await rows("table[aria-label='orders']");
    await page.selectOption("#f-side", "sell");
    const sells = await page.locator("table[aria-label='orders'] tbody tr:not(.empty) td[data-label='Side']").allTextContents();
    check(sells.length > 0 ? sells.every((s) => s === "sell") : true, `side filter keeps sells only (${sells.length} of ${total})`);
    await page.selectOption("#f-side", "");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv-fills")]);
    const file = await download.path();
    const csv = fs.readFileSync(file, "utf8");
    check(csv.startsWith("ts_ns,ts,pair_id,client_id,") && csv.trim().split("\n").length >= 2, "fills CSV downloaded with rows");
    await shot("orders");
  });

  await step("Pair that traded: entry/exit markers on the chart", async () => {
    const traded = await until(async () => {
      const r = await getJson("/api/orders?limit=1000");
      return r.body.orders.find((o) => o.purpose === "open" && o.state === "filled")?.pair;
    }, "a filled entry order", 120_000);
    await go(`#/pair/${encodeURIComponent(traded)}`);
    await until(async () => Number(await page.locator("#pair-chart").getAttribute("data-markers")) >= 1, "entry markers", 20_000);
    check(true, `markers on ${traded}`);
    await until(async () => Number(await page.locator("#pair-chart").getAttribute("data-points")) >= 10, "chart history", 30_000);
    check(true, "chart history drawn");
    await shot("pair-traded");
  });

  await step("Positions & P&L: totals, per venue and pair, equity curve", async () => {
    await go("#/positions");
    await until(async () => (await page.locator("#pnl-net").textContent()) !== "—", "net P&L");
    check(await rows("table[aria-label='P&L per venue']") === 3, "three venues");
    check(await rows("table[aria-label='P&L per pair']") >= 3, "pairs listed");
    await until(async () => Number(await page.locator("#equity-chart").getAttribute("data-points")) >= 2, "equity curve points", 30_000);
    check(true, "equity curve drawn");
    await shot("positions");
  });

  await step("Risk: states, limits, layers; the live-order switch refuses without the text", async () => {
    await go("#/risk");
    await until(async () => (await rows("table[aria-label='limits and utilisation']")) > 0, "limits");
    check(await rows("table[aria-label='capital layers']") >= 5, "capital layers");
    check(await rows("table[aria-label='venue states']") === 3, "venue states");
    await until(async () => (await page.locator("#live-state").getAttribute("data-live")) === "false", "live orders off");
    const before = posts.length;
    await page.click("#live-enable"); // empty text
    await page.locator("#live-error").waitFor({ state: "visible" });
    check((await page.locator("#live-error").textContent()).includes("ENABLE_LIVE_ORDER"), "refused: asks for the confirmation text");
    await page.fill("#live-confirm", "enable_live_order");
    await page.click("#live-enable");
    check(posts.slice(before).every((u) => !u.includes("order-execution")), "a wrong text sends nothing");
    await page.fill("#live-confirm", "ENABLE_LIVE_ORDER");
    await page.click("#live-enable");
    await until(async () => (await page.locator("#live-error").textContent()).includes("live_not_configured"), "the node's refusal shown");
    check(posts.slice(before).some((u) => u.endsWith("/api/runtime/order-execution")), "the typed text is sent to the node");
    const st = await getJson("/api/status");
    check(st.body.node.live_order_enabled === false, "live orders still off (paper config)");
    // The node itself refuses a missing confirmation too (it is not only the page).
    const direct = await post("/api/runtime/order-execution", { live_order_enabled: true });
    check(direct.status === 409 || direct.status === 400, `the node refuses without the text (${direct.status} ${direct.body.error})`);
    await shot("risk");
  });

  await step("Venues: state, book age, latency, reconnects, rate-limit headroom", async () => {
    await go("#/venues");
    await until(async () => (await rows("table[aria-label='venues']")) === 3, "three venues");
    const states = await page.locator("table[aria-label='venues'] td[data-label='State']").allTextContents();
    check(states.every((s) => s === "ready"), `all ready (${states.join(",")})`);
    await until(async () => (await rows("table[aria-label='books']")) >= 15, "books with ages");
    check((await page.locator("table[aria-label='venues'] td[data-label='Rate-limit headroom']").first().textContent()).includes("%"), "headroom shown");
    await shot("venues");
  });

  await step("Config: masked credentials, validation by the node, save", async () => {
    await go("#/config");
    await until(async () => (await page.locator("tr[data-venue]").count()) === 3, "three venues");
    check(await page.locator("tr[data-venue='sim-a'] input.secret-api_key").getAttribute("placeholder") === "not set", "credentials shown as set / not set");
    await page.selectOption("tr[data-venue='sim-c'] select.md", "live");
    // A live feed key typed on a simulated venue: sent, and refused by the node.
    await page.fill("tr[data-venue='sim-b'] input.ep-ws_url", "ws://127.0.0.1:9101");
    await page.click("#config-validate");
    await page.locator("#config-errors li").first().waitFor({ timeout: 10_000 * slow });
    const errs = await page.locator("#config-errors li").allTextContents();
    check(errs.some((e) => e.includes("venues.sim-c.market_data")), `the node's validation error shown: ${errs.join(" | ")}`);
    check(errs.some((e) => e.includes("venues.sim-b.ws_url")), `the live feed keys reach the node: ${errs.join(" | ")}`);
    await shot("config-invalid");
    await page.fill("tr[data-venue='sim-b'] input.ep-ws_url", "");
    await page.selectOption("tr[data-venue='sim-c'] select.md", "sim");
    await page.uncheck("tr[data-venue='sim-c'] input.enabled");
    await page.fill("tr[data-venue='sim-c'] input.secret-api_key", "console-test-key");
    await page.click("#config-save");
    await until(async () => ((await page.locator("#config-result").textContent()) ?? "").includes("Saved to"), "saved");
    const file = await getJson("/api/config/file");
    check(file.body.exists === true && file.body.running_matches === false, "file written, differs from the running config");
    const text = fs.readFileSync(file.body.path, "utf8");
    check(text.includes("console-test-key") && (fs.statSync(file.body.path).mode & 0o777) === 0o600, "secret saved to a 0600 file");
    const running = await getJson("/api/config");
    check(!JSON.stringify(running.body).includes("console-test-key"), "the secret never comes back over the API");
    await page.reload();
    await until(async () => (await page.locator("#config-file").textContent()).includes("wait for a restart"), "pending restart shown");
    check(!(await page.isChecked("tr[data-venue='sim-c'] input.enabled")), "the form shows the saved file (sim-c off) after a reload");
    check((await page.locator("tr[data-venue='sim-c'] th").textContent()).includes("pending"), "sim-c marked pending");
    check(await page.locator("tr[data-venue='sim-c'] input.secret-api_key").getAttribute("placeholder") === "set (hidden)", "the saved key shows as set, never its value");
    await shot("config");
    fs.rmSync(file.body.path); // the restart below must start the embedded default again
  });

  await step("Events: live log with filters", async () => {
    await go("#/events");
    await until(async () => (await rows("table[aria-label='events']")) > 0, "events");
    await page.selectOption("#ev-severity", "warning");
    const sev = await page.locator("table[aria-label='events'] td[data-label='Severity']").allTextContents();
    check(sev.every((s) => ["warning", "error", "critical"].includes(s)), "severity filter");
    await page.selectOption("#ev-severity", "info");
    await shot("events");
  });

  await step("A phone-sized screen: menu folds, tables scroll", async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(base + "/#/market");
    await until(async () => (await phone.locator("table[aria-label='top spreads'] tbody tr:not(.empty)").count()) > 0, "rows on the phone");
    check(await phone.locator("nav").isHidden(), "navigation folded behind the menu");
    await phone.click("button.menu");
    check(await phone.locator("nav").isVisible(), "menu opens the navigation");
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `no sideways scrolling of the page (${overflow}px)`);
    await shot("market-phone", phone);
    await phone.close();
  });

  await step("Reconnect: the indicator follows a node restart", async () => {
    await go("#/venues");
    const r = await stopNode();
    check(r.sig === "SIGTERM" || r.code === 0, `node stopped (${JSON.stringify(r)})`);
    await until(async () => (await page.locator("#conn").getAttribute("data-state")) === "reconnecting", "indicator reconnecting", 30_000);
    check(true, "indicator shows reconnecting");
    startNode();
    await waitReady();
    await until(async () => (await page.locator("#conn").getAttribute("data-state")) === "live", "indicator live again", 60_000);
    check(true, "indicator live again without a reload");
    await until(async () => (await rows("table[aria-label='venues']")) === 3, "venues again after the reconnect");
  });

  await step("Behind nginx: same origin /api, /ws and the console", async () => {
    const front = await startNginx(port);
    if (!check(front !== null, "nginx is installed (deploy/install-deps.sh installs it)")) return;
    const p2 = await context.newPage();
    await p2.goto(front + "/#/venues");
    // Another origin (nginx's port): its own storage, so the token is asked again.
    await p2.locator("dialog.token").waitFor({ state: "visible", timeout: 10_000 * slow });
    await p2.fill("#token-input", TOKEN);
    await p2.keyboard.press("Enter");
    await until(async () => (await p2.locator("#conn").getAttribute("data-state")) === "live", "live through nginx");
    await until(async () => (await p2.locator("table[aria-label='venues'] tbody tr:not(.empty)").count()) === 3, "venues through nginx");
    check(true, "stream and API work through nginx");
    await shot("venues-nginx", p2);
    await p2.close();
  });

  check(consoleErrors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource|net::ERR/.test(e)).length === 0,
    `no script error in the pages (${consoleErrors.slice(0, 3).join(" | ")})`);
} finally {
  await browser?.close().catch(() => {});
  nginx?.kill("SIGTERM");
  const r = await stopNode();
  if (r) check(r.code === 0 || r.sig === "SIGTERM", `node exits cleanly (${JSON.stringify(r)})`);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
for (const [name, ms] of results) console.log(`${String(ms).padStart(7)} ms  ${name}`);
console.log(`${checks - failures}/${checks} checks passed; screenshots in ${OUT}`);
process.exit(failures ? 1 : 0);
