// Checks that every alert in the rule files of RULES_DIR is operable:
// a severity label, summary and description annotations, a runbook_url
// whose anchor is a heading of docs/operations.md, and promtool unit tests
// in TESTS_DIR that see it fire at least once and stay silent at least once.
// Usage: node check-alerts.mjs RULES_DIR TESTS_DIR OPERATIONS_MD
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";

const [rulesDir, testsDir, operations] = process.argv.slice(2);
if (!operations) {
  console.error("usage: check-alerts.mjs RULES_DIR TESTS_DIR OPERATIONS_MD");
  process.exit(2);
}
const yamlFiles = (dir) => readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()
  .map((f) => ({ f, doc: YAML.parse(readFileSync(join(dir, f), "utf8")) }));

// GitHub's heading anchors: lower case, punctuation dropped, spaces -> '-'.
const anchors = new Set(readFileSync(operations, "utf8").split("\n")
  .filter((l) => /^#+\s/.test(l))
  .map((l) => l.replace(/^#+\s+/, "").trim().toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-")));

const fires = new Map();   // alertname -> cases where it fires
const silent = new Map();  // alertname -> cases where it does not
for (const { doc } of yamlFiles(testsDir)) {
  for (const t of doc?.tests ?? []) {
    for (const c of t.alert_rule_test ?? []) {
      const into = (c.exp_alerts ?? []).length ? fires : silent;
      into.set(c.alertname, (into.get(c.alertname) ?? 0) + 1);
    }
  }
}

const problems = [];
let alerts = 0;
for (const { f, doc } of yamlFiles(rulesDir)) {
  for (const g of doc?.groups ?? []) {
    for (const r of (g.rules ?? []).filter((r) => r.alert)) {
      alerts++;
      const at = `${f} alert ${r.alert}`;
      if (!r.labels?.severity) problems.push(`${at}: needs a severity label`);
      for (const a of ["summary", "description", "runbook_url"]) {
        if (!r.annotations?.[a]) problems.push(`${at}: needs a ${a} annotation`);
      }
      const anchor = /#([^#]+)$/.exec(r.annotations?.runbook_url ?? "")?.[1];
      if (r.annotations?.runbook_url && !anchors.has(anchor)) {
        problems.push(`${at}: runbook_url anchor #${anchor} is no heading of ${operations}`);
      }
      if (!fires.get(r.alert)) problems.push(`${at}: no promtool test sees it fire`);
      if (!silent.get(r.alert)) problems.push(`${at}: no promtool test sees it stay silent`);
    }
  }
}
if (!alerts) problems.push(`${rulesDir}: no alerts`);
for (const p of problems) console.error(p);
if (problems.length) process.exit(1);
console.log(`${rulesDir}: ${alerts} alerts, each with a runbook and tests that fire and stay silent`);
