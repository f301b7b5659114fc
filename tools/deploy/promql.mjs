// The PromQL that deploy/ ships: every Grafana panel query and every
// Prometheus rule expression, and the metric names they read.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";

// Grafana's variables, replaced by values a plain Prometheus accepts.
const GRAFANA_VARIABLES = [
  [/\$__rate_interval|\$__interval|\$\{__rate_interval\}|\$\{__interval\}/g, "5m"],
  [/\$__range|\$\{__range\}/g, "1h"],
  [/\$\{?namespace\}?/g, ".+"],
  [/\$\{?(\w+)(:\w+)?\}?/g, ".*"],
];

// `values` sets variables first, e.g. {namespace: "gridcase"}.
export function expandGrafana(expr, values = {}) {
  for (const [name, value] of Object.entries(values)) {
    expr = expr.replace(new RegExp(`\\$\\{?${name}\\}?(?!\\w)`, "g"), value);
  }
  return GRAFANA_VARIABLES.reduce((e, [re, value]) => e.replace(re, value), expr);
}

const KEYWORDS = new Set(["and", "or", "unless", "by", "without", "on", "ignoring",
  "group_left", "group_right", "offset", "bool", "inf", "nan", "start", "end"]);

// Metric names an expression reads (not functions, labels or keywords).
export function metricNames(expr) {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, " ")   // strings
    .replace(/\{[^}]*\}/g, " ")                                        // matchers
    .replace(/\[[^\]]*\]/g, " ")                                       // ranges
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = new Set();
  for (const m of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = m[0];
    const next = stripped.slice(m.index + word.length).trimStart();
    const prev = stripped.slice(0, m.index).trimEnd();
    if (KEYWORDS.has(word.toLowerCase()) || next.startsWith("(")) continue;
    if (/\d$/.test(prev) && /^[smhdwy]$|^ms$/.test(word)) continue;  // 5m
    if (/^(e|E)\d*$/.test(word) && /\d$/.test(prev)) continue;           // 1e3
    names.add(word);
  }
  return [...names];
}

// Every query of the Grafana dashboards in `dir`: {where, expr}.
export function dashboardQueries(dir) {
  const out = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const dash = JSON.parse(readFileSync(join(dir, f), "utf8"));
    const panels = (dash.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        if (t.expr) out.push({ where: `${f} panel ${p.id} "${p.title}" ${t.refId}`, expr: t.expr });
      }
    }
    for (const v of dash.templating?.list ?? []) {
      const q = typeof v.query === "string" ? v.query : v.query?.query;
      const inner = /^label_values\((.+),\s*\w+\)$/.exec(q ?? "");
      if (v.type === "query" && inner) out.push({ where: `${f} variable ${v.name}`, expr: inner[1] });
    }
  }
  return out;
}

// Every rule of the Prometheus rule files in `dir`: {where, expr, record}.
export function ruleQueries(dir) {
  const out = [];
  for (const f of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const doc = YAML.parse(readFileSync(join(dir, f), "utf8"));
    for (const g of doc?.groups ?? []) {
      for (const r of g.rules ?? []) {
        out.push({ where: `${f} ${r.alert ? "alert" : "record"} ${r.alert ?? r.record}`,
                   expr: String(r.expr), record: r.record });
      }
    }
  }
  return out;
}
