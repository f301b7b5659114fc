// gridcase's own rules for a rendered overlay, on top of the API schemas:
// what docs/operations.md and deploy/k8s/README.md promise operators.
// Each rule returns messages naming the object and the rule it breaks.

const PART_OF = "app.kubernetes.io/part-of";

const id = (o) => `${o.kind}/${o.metadata?.name}`;
const workloads = (objs) =>
  objs.filter((o) => ["Deployment", "StatefulSet"].includes(o.kind));
const podLabels = (w) => w.spec?.template?.metadata?.labels ?? {};
const matches = (selector, labels) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
// A LabelSelector (matchLabels and matchExpressions) against pod labels.
const selects = (selector, labels) =>
  matches(selector?.matchLabels, labels) &&
  (selector?.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case "In": return values.includes(labels[key]);
      case "NotIn": return !values.includes(labels[key]);
      case "Exists": return key in labels;
      case "DoesNotExist": return !(key in labels);
      default: return false;
    }
  });

// "1m30s", "500ms", "20s" -> seconds (the Abseil durations the flags take).
export function seconds(text) {
  const units = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6, ns: 1e-9 };
  let total = 0;
  const rest = String(text).replace(/(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)/g,
    (_, n, u) => { total += Number(n) * units[u]; return ""; });
  if (rest !== "" && rest !== "0") throw new Error(`not a duration: ${text}`);
  return total;
}

// Containers that serve (probes) and containers of Jobs (none).
function containerRules(w, c, gridcase, serves = true) {
  const out = [];
  const at = `${id(w)} container ${c.name}`;
  const sc = c.securityContext ?? {};
  if (sc.allowPrivilegeEscalation !== false) {
    out.push(`${at}: securityContext.allowPrivilegeEscalation must be false`);
  }
  if (sc.readOnlyRootFilesystem !== true) {
    out.push(`${at}: securityContext.readOnlyRootFilesystem must be true`);
  }
  if (!(sc.capabilities?.drop ?? []).includes("ALL")) {
    out.push(`${at}: securityContext.capabilities.drop must include ALL`);
  }
  const r = c.resources ?? {};
  for (const need of ["requests.cpu", "requests.memory", "limits.memory"]) {
    const [k, v] = need.split(".");
    if (!r[k]?.[v]) out.push(`${at}: resources.${need} must be set`);
  }
  for (const probe of serves ? ["readinessProbe", "livenessProbe"] : []) {
    if (!c[probe]) out.push(`${at}: ${probe} must be set`);
    else if (gridcase && !c[probe].grpc) {
      out.push(`${at}: ${probe} must be a native grpc: probe`);
    }
  }
  // Liveness must not follow Redis (an outage would restart every pod);
  // readiness must (the "" name is SERVING only while Redis answers).
  if (gridcase) {
    for (const probe of ["livenessProbe", "startupProbe"]) {
      if (c[probe]?.grpc && c[probe].grpc.service !== "gridcase.liveness") {
        out.push(`${at}: ${probe} must ask for the health name gridcase.liveness`);
      }
    }
    if (c.readinessProbe?.grpc?.service) {
      out.push(`${at}: readinessProbe must ask for the health name "" (Redis-aware)`);
    }
  }
  if (!c.image || !/:[^/]+$|@sha256:/.test(c.image) || /:latest$/.test(c.image)) {
    out.push(`${at}: image must carry a tag other than latest (got ${c.image})`);
  }
  return out;
}

// The 通报 CronJobs (report-cronjobs.yaml): the pod rules of every
// workload, the schedule's own zone, and never two runs at once.
function cronJobRules(objs) {
  const out = [];
  for (const j of objs.filter((o) => o.kind === "CronJob")) {
    const pod = j.spec?.jobTemplate?.spec?.template?.spec ?? {};
    if (pod.securityContext?.runAsNonRoot !== true) {
      out.push(`${id(j)}: pod securityContext.runAsNonRoot must be true`);
    }
    for (const c of pod.containers ?? []) {
      out.push(...containerRules(j, c, false, false));
    }
    if (j.spec?.timeZone !== "Asia/Shanghai") {
      out.push(`${id(j)}: spec.timeZone must be Asia/Shanghai (the statistics' days)`);
    }
    if (j.spec?.concurrencyPolicy !== "Forbid") {
      out.push(`${id(j)}: spec.concurrencyPolicy must be Forbid`);
    }
  }
  return out;
}

function workloadRules(objs, config) {
  const out = [];
  const drain = seconds(config.GRIDCASE_DRAIN_TIMEOUT ?? "20s") +
                seconds(config.GRIDCASE_SHUTDOWN_DELAY ?? "0s");
  for (const w of workloads(objs)) {
    const pod = w.spec?.template?.spec ?? {};
    const gridcase = w.kind === "Deployment";
    if (pod.securityContext?.runAsNonRoot !== true) {
      out.push(`${id(w)}: pod securityContext.runAsNonRoot must be true`);
    }
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      out.push(...containerRules(w, c, gridcase));
    }
    if (!gridcase) continue;
    if (!(pod.topologySpreadConstraints ?? []).length) {
      out.push(`${id(w)}: topologySpreadConstraints must be set`);
    }
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    if (grace <= drain) {
      out.push(`${id(w)}: terminationGracePeriodSeconds (${grace}) must exceed ` +
               `shutdown_delay + drain_timeout (${drain}s)`);
    }
    const labels = podLabels(w);
    const scaled = objs.filter((o) => o.kind === "HorizontalPodAutoscaler" &&
      o.spec?.scaleTargetRef?.kind === w.kind &&
      o.spec?.scaleTargetRef?.name === w.metadata.name);
    if (scaled.length !== 1) {
      out.push(`${id(w)}: needs exactly one HorizontalPodAutoscaler (has ${scaled.length})`);
    }
    if (!objs.some((o) => o.kind === "PodDisruptionBudget" &&
                          selects(o.spec?.selector, labels))) {
      out.push(`${id(w)}: no PodDisruptionBudget selects its pods`);
    }
  }
  return out;
}

function serviceRules(objs) {
  const out = [];
  for (const s of objs.filter((o) => o.kind === "Service")) {
    const selected = workloads(objs).filter((w) => matches(s.spec?.selector, podLabels(w)));
    if (!s.spec?.selector || selected.length === 0) {
      out.push(`${id(s)}: its selector matches no Deployment or StatefulSet`);
    }
    if (selected.some((w) => w.kind === "Deployment") && s.spec.clusterIP !== "None") {
      out.push(`${id(s)}: gRPC services must be headless (clusterIP: None) so ` +
               `dns:/// round_robin clients see every pod`);
    }
  }
  return out;
}

function configRules(objs, config) {
  const out = [];
  const target = config.GRIDCASE_REGISTRY;
  const m = /^dns:\/\/\/([^:./]+)[^:]*:(\d+)$/.exec(target ?? "");
  if (!m) {
    out.push(`ConfigMap gridcase-config: GRIDCASE_REGISTRY must be dns:///<service>:<port> (got ${target})`);
  } else if (!objs.some((o) => o.kind === "Service" && o.metadata.name === m[1] &&
                               o.spec?.clusterIP === "None")) {
    out.push(`ConfigMap gridcase-config: GRIDCASE_REGISTRY names ${m[1]}, not a headless Service here`);
  }
  for (const w of workloads(objs)) {
    for (const c of w.spec.template.spec.containers ?? []) {
      for (const from of c.envFrom ?? []) {
        const ref = from.configMapRef;
        if (ref && !ref.optional && !objs.some((o) => o.kind === "ConfigMap" && o.metadata.name === ref.name)) {
          out.push(`${id(w)} container ${c.name}: envFrom configMapRef ${ref.name} is not in the overlay`);
        }
      }
    }
  }
  return out;
}

function networkRules(objs) {
  const out = [];
  const policies = objs.filter((o) => o.kind === "NetworkPolicy");
  const denyAll = policies.some((p) =>
    Object.keys(p.spec?.podSelector?.matchLabels ?? {}).length === 0 &&
    !p.spec?.podSelector?.matchExpressions &&
    (p.spec?.policyTypes ?? []).includes("Ingress") && !(p.spec?.ingress ?? []).length);
  if (!denyAll) out.push("NetworkPolicy: a default-deny ingress policy (podSelector {}) is missing");
  for (const w of workloads(objs)) {
    const labels = podLabels(w);
    const allowing = policies.filter((p) => (p.spec?.ingress ?? []).length &&
      selects(p.spec?.podSelector, labels));
    if (!allowing.length) out.push(`${id(w)}: no NetworkPolicy allows any ingress to it`);
    if (w.kind !== "StatefulSet") continue;
    // Redis: every rule must come only from gridcase pods of the namespace.
    for (const p of allowing) {
      for (const rule of p.spec.ingress) {
        const ok = (rule.from ?? []).length > 0 && rule.from.every((f) =>
          !f.namespaceSelector && !f.ipBlock && f.podSelector?.matchLabels?.[PART_OF] === "gridcase");
        if (!ok) out.push(`${id(p)}: ingress to ${id(w)} must come only from pods with ${PART_OF}: gridcase`);
      }
    }
  }
  return out;
}

// Identity: every overlay runs JWT (docs/security.md). insecure-dev trusts a
// header any caller can write, so it never reaches a cluster; the key and
// token files the services read must be mounted where the config says.
const CALLERS = ["gridcase-intake", "gridcase-dispatch", "gridcase-stats"];
function authRules(objs, config) {
  const out = [];
  const at = "ConfigMap gridcase-config";
  if (config.GRIDCASE_AUTH_MODE !== "jwt") {
    out.push(`${at}: GRIDCASE_AUTH_MODE must be jwt (got ${config.GRIDCASE_AUTH_MODE ?? "unset"}); ` +
             "insecure-dev trusts an identity header any caller can write");
  }
  if (!config.GRIDCASE_JWT_ISSUER) out.push(`${at}: GRIDCASE_JWT_ISSUER must be set`);
  const keys = config.GRIDCASE_JWT_JWKS_FILE ?? config.GRIDCASE_JWT_HS256_SECRET_FILE;
  if (!keys) out.push(`${at}: GRIDCASE_JWT_JWKS_FILE (or _HS256_SECRET_FILE) must be set`);
  const mounted = (c, path) => (c.volumeMounts ?? []).some((m) =>
    path.startsWith(m.mountPath.replace(/\/?$/, "/")));
  for (const w of workloads(objs).filter((o) => o.kind === "Deployment")) {
    for (const c of w.spec.template.spec.containers ?? []) {
      const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
      const where = `${id(w)} container ${c.name}`;
      if ("GRIDCASE_AUTH_MODE" in env && env.GRIDCASE_AUTH_MODE !== "jwt") {
        out.push(`${where}: GRIDCASE_AUTH_MODE must be jwt (got ${env.GRIDCASE_AUTH_MODE})`);
      }
      if (keys && !mounted(c, keys)) {
        out.push(`${where}: ${keys} (the JWT keys) is not under any volumeMount`);
      }
      if (CALLERS.includes((c.command ?? [])[0])) {
        const token = env.GRIDCASE_SERVICE_TOKEN_FILE ?? config.GRIDCASE_SERVICE_TOKEN_FILE;
        if (!token) {
          out.push(`${where}: GRIDCASE_SERVICE_TOKEN_FILE must be set (it calls the registry)`);
        } else if (!mounted(c, token)) {
          out.push(`${where}: ${token} (its service token) is not under any volumeMount`);
        }
      }
    }
  }
  return out;
}

// Returns every rule broken by the objects of one rendered overlay.
export function policyErrors(objs) {
  const cm = objs.find((o) => o.kind === "ConfigMap" && o.metadata?.name?.startsWith("gridcase-config"));
  if (!cm) return ["ConfigMap gridcase-config: missing"];
  const config = cm.data ?? {};
  return [...workloadRules(objs, config), ...cronJobRules(objs),
          ...serviceRules(objs),
          ...configRules(objs, config), ...networkRules(objs),
          ...authRules(objs, config)];
}
