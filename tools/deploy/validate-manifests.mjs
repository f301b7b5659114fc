// Validates multi-document YAML files of Kubernetes objects against the API
// schemas (k8s-schema.mjs) and, with --policy, against gridcase's own rules
// for a whole overlay (k8s-policy.mjs). Prints every problem, naming the
// file, object and field; exits 1 if there is any.
// Usage: node validate-manifests.mjs [--policy] FILE...
import { readFileSync } from "node:fs";
import YAML from "yaml";
import { notChecked, schemaErrors } from "./k8s-schema.mjs";
import { policyErrors } from "./k8s-policy.mjs";

const args = process.argv.slice(2);
const policy = args[0] === "--policy";
const files = policy ? args.slice(1) : args;
if (!files.length) {
  console.error("usage: validate-manifests.mjs [--policy] FILE...");
  process.exit(2);
}

let problems = 0;
const report = (file, message) => {
  problems++;
  console.error(`${file}: ${message}`);
};
for (const file of files) {
  const objs = [];
  for (const doc of YAML.parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      for (const e of doc.errors) report(file, `YAML: ${e.message}`);
      continue;
    }
    const obj = doc.toJS();
    if (obj !== null) objs.push(obj);
  }
  if (!objs.length) report(file, "no objects");
  for (const obj of objs) {
    for (const e of await schemaErrors(obj)) {
      report(file, `${obj.kind}/${obj.metadata?.name}: ${e}`);
    }
  }
  if (policy) for (const e of policyErrors(objs)) report(file, e);
  const kinds = {};
  for (const o of objs) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
  console.log(`${file}: ${objs.length} objects (` +
    Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(", ") + ")");
}
for (const kind of notChecked) {
  console.log(`note: ${kind}: types and required fields checked; unknown fields ` +
              `NOT checked (no field list for this kind)`);
}
if (problems) {
  console.error(`validate-manifests: ${problems} problem(s)`);
  process.exit(1);
}
