// Checks deploy/'s PromQL against running services and a real Prometheus:
// 1. every metric name a dashboard query or a rule reads is in a live scrape
//    of a service's /metrics;
// 2. Prometheus (scraping those services, with the rule files loaded) has
//    them all, evaluates every dashboard query without error, and reports
//    every rule healthy;
// 3. dashboard queries that return no data are listed; those not named in
//    --may-be-empty fail the check.
// Usage: node live-check.mjs --deploy DIR --prometheus URL --namespace NS
//          [--may-be-empty 'panel title regex'] SCRAPE_URL...
import { parseArgs } from "node:util";
import { dashboardQueries, expandGrafana, metricNames, ruleQueries } from "./promql.mjs";

const { values: opt, positionals: scrapes } = parseArgs({
  allowPositionals: true,
  options: { deploy: { type: "string" }, prometheus: { type: "string" },
             namespace: { type: "string" }, "may-be-empty": { type: "string" } },
});
const problems = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function api(path) {
  const res = await fetch(`${opt.prometheus}/api/v1/${path}`);
  const body = await res.json();
  if (body.status !== "success") throw new Error(`${path}: ${body.error}`);
  return body.data;
}

const dashboards = dashboardQueries(`${opt.deploy}/grafana`);
const rules = ruleQueries(`${opt.deploy}/prometheus/rules`);
const recorded = new Set(rules.map((r) => r.record).filter(Boolean));
const used = new Map();  // metric name -> first place that reads it
for (const q of [...dashboards, ...rules]) {
  for (const name of metricNames(q.expr)) {
    if (!recorded.has(name) && !used.has(name)) used.set(name, q.where);
  }
}

// 1. The raw scrapes.
const scraped = new Set();
for (const url of scrapes) {
  const text = await (await fetch(url)).text();
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)[{ ]/.exec(line);
    if (m) scraped.add(m[1]);
  }
}
for (const [name, where] of used) {
  if (name !== "up" && !scraped.has(name)) {
    problems.push(`${name} (read by ${where}) is not in any live scrape`);
  }
}
console.log(`live-check: ${used.size} metric names used; ${scraped.size} names in ` +
            `${scrapes.length} scrapes`);

// 2. Prometheus: wait until it has scraped every name and evaluated rules.
let names = new Set();
for (let i = 0; i < 90; i++) {
  names = new Set(await api("label/__name__/values"));
  const groups = (await api("rules")).groups;
  const evaluated = groups.every((g) => g.rules.every((r) => r.lastEvaluation > "2000"));
  if ([...used.keys()].every((n) => names.has(n)) && evaluated) break;
  await sleep(1000);
}
for (const name of used.keys()) {
  if (!names.has(name)) problems.push(`Prometheus never received ${name}`);
}
// rate() needs two samples in its window: wait for five scrapes of each target.
for (let i = 0; i < 30; i++) {
  const r = (await api(`query?query=${encodeURIComponent("min(count_over_time(up[5m]))")}`)).result;
  if (r.length && Number(r[0].value[1]) >= 5) break;
  await sleep(1000);
}
for (const g of (await api("rules")).groups) {
  for (const r of g.rules) {
    if (r.health !== "ok") problems.push(`rule ${r.name}: health ${r.health}: ${r.lastError}`);
  }
}
const firing = (await api("alerts")).alerts.map((a) => `${a.labels.alertname}(${a.state})`);
console.log(`live-check: ${rules.length} rules healthy unless listed; alerts now: ` +
            (firing.join(", ") || "none"));

const mayBeEmpty = opt["may-be-empty"] ? new RegExp(opt["may-be-empty"]) : null;
const empty = [];
for (const q of dashboards) {
  const expr = expandGrafana(q.expr, { namespace: opt.namespace });
  try {
    const data = await api(`query?query=${encodeURIComponent(expr)}`);
    if (!data.result.length) empty.push(q.where);
  } catch (e) {
    problems.push(`${q.where}: ${e.message}`);
  }
}
console.log(`live-check: ${dashboards.length} dashboard queries evaluated, ` +
            `${empty.length} without data now`);
for (const where of empty) {
  const allowed = mayBeEmpty?.test(where);
  console.log(`  no data: ${where}${allowed ? " (allowed)" : ""}`);
  if (!allowed) problems.push(`${where}: no data from the live stack`);
}
for (const p of problems) console.error(`live-check: ${p}`);
process.exit(problems.length ? 1 : 0);
