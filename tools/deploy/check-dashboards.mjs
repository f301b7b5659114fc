// Checks the Grafana dashboards in DIR: valid JSON, unique panel ids, panels
// that do not overlap, every panel titled and on the dashboard's datasource
// variable, every query naming a namespace. Writes every query, with
// Grafana's variables expanded, as a Prometheus recording rule to RULES_OUT,
// so `promtool check rules RULES_OUT` parses each one as PromQL.
// Usage: node check-dashboards.mjs DIR RULES_OUT
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import { dashboardQueries, expandGrafana } from "./promql.mjs";

const [dir, rulesOut] = process.argv.slice(2);
if (!dir || !rulesOut) {
  console.error("usage: check-dashboards.mjs DIR RULES_OUT");
  process.exit(2);
}
const problems = [];
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
if (!files.length) problems.push(`${dir}: no dashboard (*.json)`);

const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w &&
                           a.y < b.y + b.h && b.y < a.y + a.h;
for (const f of files) {
  let dash;
  try {
    dash = JSON.parse(readFileSync(join(dir, f), "utf8"));
  } catch (e) {
    problems.push(`${f}: not JSON: ${e.message}`);
    continue;
  }
  if (!dash.uid || !dash.title) problems.push(`${f}: uid and title are required`);
  const vars = new Map((dash.templating?.list ?? []).map((v) => [v.name, v]));
  if (vars.get("datasource")?.type !== "datasource") {
    problems.push(`${f}: needs a 'datasource' variable of type datasource`);
  }
  const panels = dash.panels ?? [];
  const ids = new Set();
  for (const p of panels) {
    const at = `${f} panel ${p.id} "${p.title}"`;
    if (ids.has(p.id)) problems.push(`${at}: duplicate panel id`);
    ids.add(p.id);
    if (!p.title) problems.push(`${at}: needs a title`);
    if (p.type === "row") continue;
    if (p.datasource?.uid !== "${datasource}") {
      problems.push(`${at}: datasource must be the \${datasource} variable`);
    }
    if (!(p.targets ?? []).length) problems.push(`${at}: has no query`);
    for (const t of p.targets ?? []) {
      if (!t.expr) problems.push(`${at} ${t.refId}: empty query`);
      else if (!/namespace=~?"\$namespace"/.test(t.expr) && !/^time\(\)$/.test(t.expr)) {
        problems.push(`${at} ${t.refId}: query must select namespace="$namespace"`);
      }
    }
    for (const q of panels) {
      if (q.id < p.id && q.gridPos && p.gridPos && overlaps(p.gridPos, q.gridPos)) {
        problems.push(`${at}: overlaps panel ${q.id}`);
      }
    }
  }
}

const queries = dashboardQueries(dir);
const rules = queries.map((q, i) => ({ record: `dashboard_query_${i}`, expr: expandGrafana(q.expr) }));
writeFileSync(rulesOut, YAML.stringify({ groups: [{ name: "dashboard-queries", rules }] }));
for (const p of problems) console.error(p);
if (problems.length) process.exit(1);
console.log(`${dir}: ${files.length} dashboard(s), ${queries.length} queries written to ${rulesOut}`);
