// ccxt pro (binanceusdm) reading the xarb Binance mock: the ccxt side of the
// comparison in docs/BENCHMARKS.md "Venue codecs (issue 9)". Two modes, the
// same as bench/bench_md_stream.cpp's:
//
//   node ccxt_bench.js loopback --url http://127.0.0.1:PORT [--warmup S] [--seconds S]
//       watchOrderBookForSymbols over every listed linear perpetual of the
//       mock (its REST and WebSocket URLs point at the mock), then counts the
//       depth messages ccxt handles for S seconds and the process CPU time
//       (process.cpuUsage: all threads).
//   node ccxt_bench.js replay FILE [--repeat R]
//       the session recorded by bench_md_stream --record (listing, REST
//       snapshots, frames in arrival order) fed to a ccxt WebSocket client's
//       onMessage (JSON.parse + handleMessage, what a received frame costs)
//       as fast as possible, R times; REST answers come from the file.
//
// Each mode ends with one line for run.sh:
//   RESULT side=ccxt mode=... msgs=N seconds=S msgs_per_s=X cpu_us_per_msg=Y applied=A book_errors=E
'use strict';

const fs = require('fs');
const ccxt = require('ccxt');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

function result(mode, msgs, seconds, cpuUs, applied, errors) {
  const rate = seconds > 0 ? msgs / seconds : 0;
  const perMsg = msgs > 0 ? cpuUs / msgs : 0;
  console.log(`RESULT side=ccxt mode=${mode} msgs=${msgs} seconds=${seconds.toFixed(3)} ` +
    `msgs_per_s=${rate.toFixed(0)} cpu_us_per_msg=${perMsg.toFixed(3)} applied=${applied} ` +
    `book_errors=${errors}`);
}

function cpuUs(since) {
  const c = process.cpuUsage(since);
  return c.user + c.system;
}

// Points every Binance USD-M REST and WebSocket URL of `ex` at the mock.
function pointAt(ex, restBase) {
  const wsBase = restBase.replace(/^http/, 'ws');
  const rewrite = (v) => {
    if (typeof v === 'string') {
      return v.replace(/^https:\/\/fapi\.binance\.com/, restBase)
        .replace(/^wss:\/\/fstream\.binance\.com/, wsBase);
    }
    if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        v[k] = rewrite(v[k]);
      }
    }
    return v;
  };
  rewrite(ex.urls.api);
}

function makeExchange(restBase) {
  const ex = new ccxt.pro.binanceusdm({
    enableRateLimit: false,
    options: {
      fetchMarkets: { types: ['linear'] },
      fetchCurrencies: false,
      adjustForTimeDifference: false,
      warnOnFetchOpenOrdersWithoutSymbol: false,
    },
  });
  pointAt(ex, restBase);
  return ex;
}

// Counts what binance's handleOrderBook is given and what it applies.
function instrument(ex, counters) {
  const handle = ex.handleOrderBook;
  ex.handleOrderBook = function (client, message) {
    counters.msgs++;
    return handle.call(this, client, message);
  };
  const apply = ex.handleOrderBookMessage;
  ex.handleOrderBookMessage = function (client, message, orderbook) {
    counters.applied++;
    return apply.call(this, client, message, orderbook);
  };
}

function perpSymbols(ex) {
  return Object.values(ex.markets)
    .filter((m) => m.swap && m.linear && m.active !== false)
    .map((m) => m.symbol)
    .sort();
}

async function loopback() {
  const url = arg('--url');
  const warmup = Number(arg('--warmup', '3'));
  const seconds = Number(arg('--seconds', '10'));
  const ex = makeExchange(url);
  const counters = { msgs: 0, applied: 0, errors: 0 };
  instrument(ex, counters);
  await ex.loadHttpProxyAgent(); // ccxt needs an http agent for plain ws:// URLs
  await ex.loadMarkets();
  const symbols = perpSymbols(ex);
  console.error(`ccxt ${ccxt.version}: ${symbols.length} books on ${url}`);
  let running = true;
  (async () => {
    while (running) {
      try {
        await ex.watchOrderBookForSymbols(symbols);
      } catch (e) {
        counters.errors++;
        if (counters.errors < 5) {
          console.error('ccxt:', e.constructor.name, String(e.message).slice(0, 200));
        }
      }
    }
  })();
  await new Promise((r) => setTimeout(r, warmup * 1000));
  const n0 = counters.msgs;
  const a0 = counters.applied;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const msgs = counters.msgs - n0;
  const applied = counters.applied - a0;
  const cpu = cpuUs(c0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  running = false;
  result('loopback', msgs, wall, cpu, applied, counters.errors);
  await ex.close();
  process.exit(0);
}

async function replay() {
  const file = process.argv[3];
  const repeat = Number(arg('--repeat', '3'));
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const rest = {};       // REST path -> recorded body
  const events = [];     // ['W', frame] | ['S', native, body]
  for (const line of lines) {
    const t1 = line.indexOf('\t');
    const t2 = line.indexOf('\t', t1 + 1);
    if (t1 !== 1 || t2 < 0) {
      continue;
    }
    const kind = line[0];
    const key = line.slice(2, t2);
    const body = line.slice(t2 + 1);
    if (kind === 'L') {
      rest[key.split('?')[0]] = body;
    } else {
      events.push(kind === 'W' ? ['W', body] : ['S', key, body]);
    }
  }
  const ex = makeExchange('http://replay.invalid');
  // REST answers from the recording (no network).
  let snapshotBody;
  ex.fetch = async (url) => {
    const path = url.replace('http://replay.invalid', '').split('?')[0];
    if (path.endsWith('/depth')) {
      return JSON.parse(snapshotBody);
    }
    if (rest[path] !== undefined) {
      return JSON.parse(rest[path]);
    }
    throw new ccxt.NetworkError('not recorded: ' + path);
  };
  const counters = { msgs: 0, applied: 0, errors: 0 };
  instrument(ex, counters);
  await ex.loadMarkets();
  const symbols = perpSymbols(ex);
  await ex.loadHttpProxyAgent();
  const client = ex.client(ex.getWsUrl('future', 'public') + '/replay'); // never connected
  const byId = {};
  for (const s of symbols) {
    byId[ex.market(s).id] = s;
  }
  let cpu = 0;
  let wall = 0;
  let msgs = 0;
  for (let r = 0; r < repeat; r++) {
    for (const s of symbols) {
      ex.orderbooks[s] = ex.orderBook({}, 1000); // as handleOrderBookSubscription
    }
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (const e of events) {
      if (e[0] === 'W') {
        client.onMessage({ data: e[1] });
        msgs++;
      } else if (byId[e[1]] !== undefined) {
        snapshotBody = e[2];
        const sub = { symbol: byId[e[1]], type: 'future', limit: 1000, params: {} };
        await ex.fetchOrderBookSnapshot(client, undefined, sub);
      }
    }
    wall += Number(process.hrtime.bigint() - t0) / 1e9;
    cpu += cpuUs(c0);
  }
  result('replay', msgs, wall, cpu, counters.applied, counters.errors);
  process.exit(0);
}

const mode = process.argv[2];
if (mode === 'loopback') {
  loopback();
} else if (mode === 'replay') {
  replay();
} else {
  console.error('usage: node ccxt_bench.js loopback --url http://127.0.0.1:PORT [--warmup S] ' +
    '[--seconds S] | replay FILE [--repeat R]');
  process.exit(2);
}
