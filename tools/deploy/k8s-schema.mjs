// Schema checks for rendered Kubernetes objects:
// - types, required fields and formats, with the ajv validators that
//   kubernetes-models generates from the Kubernetes OpenAPI schemas;
// - unknown fields (a misspelled `readynessProbe` is silently dropped by the
//   API server's non-strict decoding), with the field lists of the
//   @kubernetes/client-node models, generated from the same OpenAPI schemas.
import * as models from "@kubernetes/client-node/dist/gen/models/all.js";

// apiVersion/kind -> module of its kubernetes-models validator.
function validatorModule(apiVersion, kind) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  }
  return `kubernetes-models/${apiVersion}/${kind}`;
}

// apiVersion/kind -> @kubernetes/client-node model name, e.g.
// autoscaling/v2 HorizontalPodAutoscaler -> V2HorizontalPodAutoscaler.
function modelName(apiVersion, kind) {
  const version = apiVersion.split("/").pop();
  return version.charAt(0).toUpperCase() + version.slice(1) + kind;
}

// Kinds whose unknown fields could not be checked (no client-node model,
// e.g. prometheus-operator's CRDs): their callers say so.
export const notChecked = new Set();

// Returns the schema errors of `obj` as strings ("" path = the object).
export async function schemaErrors(obj) {
  const { apiVersion, kind } = obj ?? {};
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return ["apiVersion and kind: required strings"];
  }
  let mod;
  try {
    mod = await import(validatorModule(apiVersion, kind));
  } catch {
    return [`no schema for ${apiVersion} ${kind}: not a Kubernetes API kind ` +
            `this check knows (misspelled kind or apiVersion?)`];
  }
  const errors = [];
  // kubectl 1.20's kustomize (v2.0.3) wraps long Secret values over lines;
  // the API server decodes them with Go's base64, which ignores newlines, so
  // check them the way the server reads them.
  if (kind === "Secret" && obj.data) {
    obj = { ...obj, data: Object.fromEntries(Object.entries(obj.data).map(
      ([k, v]) => [k, typeof v === "string" ? v.replace(/[\r\n]/g, "") : v])) };
  }
  try {
    new mod[kind](obj).validate();
  } catch (e) {
    for (const err of e.errors ?? [{ message: e.message }]) {
      const path = (err.instancePath ?? "").replace(/^\//, "").replace(/\//g, ".");
      errors.push(`${path || "(object)"}: ${err.message}`);
    }
  }
  const model = models[modelName(apiVersion, kind)];
  if (model) {
    unknownFields(obj, model.name, "", errors);
  } else {
    notChecked.add(`${apiVersion} ${kind}`);
  }
  return [...new Set(errors)];
}

function unknownFields(value, type, path, errors) {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) {
      value.forEach((v, i) => unknownFields(v, array[1], `${path}[${i}]`, errors));
    }
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        unknownFields(v, map[1], `${path}.${k}`, errors);
      }
    }
    return;
  }
  const model = models[type];
  if (!model?.attributeTypeMap || typeof value !== "object" || Array.isArray(value)) {
    return;
  }
  const fields = new Map(model.attributeTypeMap.map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    if (!fields.has(k)) {
      errors.push(`${at}: unknown field (${type} has no "${k}")`);
    } else {
      unknownFields(v, fields.get(k), at, errors);
    }
  }
}
