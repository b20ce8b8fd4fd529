/**
 * Linkerd's configuration annotations and how Linkerd parses them, paraphrased from linkerd2 edge-26.8.3: the proxy
 * injector's overrides (pkg/inject/inject.go; invalid values are ignored with a warning), the policy controller's
 * Service annotations (outbound/index.rs: retries, timeouts, failure accrual, load biasing; invalid values are
 * logged and ignored) and the port sets (k8s/index/src/ports.rs, pkg/util/parsing.go).
 */
import { compare, isQuantity, parseQuantity } from "../base/quantity.js";
import { K, WORKLOAD_TEMPLATES, sameKind } from "../model/kinds.js";
import { type FieldPath, type Resource, asObject, asStringMap, getPath } from "../model/resource.js";
import { workloadOf } from "../model/workloads.js";
import { ACCESS_POLICIES } from "./policy-validation.js";
import { isLinkerdDuration, linkerdDurationMs, retryTimeoutProblems } from "./route-annotations.js";
import { isGoDuration } from "./service-profiles.js";

/** Where Linkerd reads an annotation: a Namespace's or Service's (or EgressNetwork's) own metadata, or a pod (template). */
export type LinkerdSite = "Namespace" | "Service" | "Pod";

/** The kinds whose Linkerd annotations are read (their metadata, or their pod template). */
export const LINKERD_ANNOTATED_KINDS = [K.Namespace, K.Service, K.EgressNetwork, ...WORKLOAD_TEMPLATES.map((w) => w.kind)];

/** One metadata block Linkerd reads: its annotations, labels and where it is. */
export interface LinkerdMetadata {
  readonly site: LinkerdSite;
  readonly annotations: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  /** Path to the `metadata` mapping. */
  readonly metaPath: FieldPath;
  /** Container port names of a pod (template). */
  readonly portNames: ReadonlySet<string>;
}

/** The metadata blocks of a resource that Linkerd reads: a Namespace's or Service's own, a workload's pod template. */
export function linkerdMetadata(resource: Resource): LinkerdMetadata[] {
  const read = (site: LinkerdSite, metaPath: FieldPath, portNames: ReadonlySet<string>): LinkerdMetadata => {
    const meta = asObject(getPath(resource.data, metaPath));
    return { site, annotations: asStringMap(meta?.annotations) ?? {}, labels: asStringMap(meta?.labels) ?? {}, metaPath, portNames };
  };
  if (sameKind(resource, K.Namespace)) return [read("Namespace", ["metadata"], new Set())];
  // The policy controller reads an EgressNetwork's annotations as it reads a Service's.
  if (sameKind(resource, K.Service) || sameKind(resource, K.EgressNetwork)) return [read("Service", ["metadata"], new Set())];
  const entry = WORKLOAD_TEMPLATES.find((w) => sameKind(w.kind, resource));
  const workload = workloadOf(resource);
  if (!entry || !workload) return [];
  const names = new Set(workload.containers.flatMap((c) => c.ports.flatMap((p) => (p.name ? [p.name] : []))));
  return [read("Pod", [...entry.template, "metadata"], names)];
}

type Form =
  | "goDuration"
  | "quantity"
  | "cpuRatio"
  | "goBool"
  | "enabledDisabled"
  | "port"
  | "int"
  | "uint"
  | "portRanges"
  | "opaquePorts"
  | "policy"
  | "envJson"
  | "pullPolicy";

/** Injector overrides by the part after `config[.alpha|.beta].linkerd.io/`. */
const CONFIG_FORMS: Readonly<Record<string, Form>> = {
  "proxy-outbound-connect-timeout": "goDuration",
  "proxy-inbound-connect-timeout": "goDuration",
  "proxy-outbound-discovery-cache-unused-timeout": "goDuration",
  "proxy-inbound-discovery-cache-unused-timeout": "goDuration",
  "shutdown-grace-period": "goDuration",
  "proxy-shutdown-grace-period": "goDuration",
  "close-wait-timeout": "goDuration",
  "proxy-cpu-request": "quantity",
  "proxy-cpu-limit": "quantity",
  "proxy-memory-request": "quantity",
  "proxy-memory-limit": "quantity",
  "proxy-ephemeral-storage-request": "quantity",
  "proxy-ephemeral-storage-limit": "quantity",
  "proxy-cpu-ratio-limit": "cpuRatio",
  "proxy-metrics-hostname-labels": "goBool",
  "enable-gateway": "goBool",
  "enable-external-profiles": "goBool",
  "proxy-enable-native-sidecar": "goBool",
  "proxy-disable-outbound-protocol-detect-timeout": "goBool",
  "proxy-disable-inbound-protocol-detect-timeout": "goBool",
  "enable-debug-sidecar": "goBool",
  "disable-tap": "goBool",
  "proxy-admin-shutdown": "enabledDisabled",
  "proxy-await": "enabledDisabled",
  "control-port": "port",
  "inbound-port": "port",
  "admin-port": "port",
  "outbound-port": "port",
  "proxy-uid": "int",
  "proxy-gid": "int",
  "proxy-wait-before-exit-seconds": "uint",
  "skip-inbound-ports": "portRanges",
  "skip-outbound-ports": "portRanges",
  "opaque-ports": "opaquePorts",
  "default-inbound-policy": "policy",
  "proxy-additional-env": "envJson",
  "image-pull-policy": "pullPolicy",
};

const CONFIG_PREFIX = /^config(\.alpha|\.beta)?\.linkerd\.io\/(.+)$/;

/** Injector-only overrides mean nothing on a Service; `opaque-ports` is read there. */
const SERVICE_CONFIG = new Set(["opaque-ports"]);

const GO_BOOLS = new Set(["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"]);
export const isGoBool = (v: string): boolean => GO_BOOLS.has(v);

const isInteger = (v: string, signed: boolean): boolean => (signed ? /^[+-]?[0-9]+$/ : /^\+?[0-9]+$/).test(v);

/** Why a port set (`25,4000-4100`, and on pods container port names) does not parse, or undefined. */
export function portSetProblem(value: string, names: ReadonlySet<string> | "any" | undefined): string | undefined {
  for (const raw of value.split(",")) {
    const item = raw.trim();
    if (item === "") continue;
    const range = /^([0-9]+)-([0-9]+)$/.exec(item);
    if (range) {
      const lo = Number(range[1]);
      const hi = Number(range[2]);
      if (lo < 1 || hi > 65535) return `the range "${item}" is outside 1-65535`;
      if (lo > hi) return `the range "${item}" is decreasing`;
      continue;
    }
    if (/^[0-9]+$/.test(item)) {
      if (Number(item) < 1 || Number(item) > 65535) return `"${item}" is not a port from 1 to 65535`;
      continue;
    }
    if (names === undefined) return `"${item}" is not a port number or range (names are not allowed here)`;
    if (names !== "any" && !names.has(item)) return `"${item}" is neither a port number nor the name of a container port of this pod`;
  }
  return undefined;
}

function formProblem(form: Form, value: string, names: ReadonlySet<string> | "any" | undefined): string | undefined {
  const v = value.trim();
  switch (form) {
    case "goDuration":
      return isGoDuration(v) ? undefined : 'expected a Go duration such as "10s" or "1m30s"';
    case "quantity":
      return isQuantity(v) ? undefined : 'expected a Kubernetes quantity such as "100m" or "64Mi"';
    case "cpuRatio": {
      const n = Number(v);
      return v !== "" && Number.isFinite(n) && n > 0 && n < 1 ? undefined : "expected a number between 0 and 1 (exclusive)";
    }
    case "goBool":
      return isGoBool(v) ? undefined : 'expected a boolean ("true" or "false")';
    case "enabledDisabled":
      return v === "enabled" || v === "disabled" ? undefined : 'expected "enabled" or "disabled"';
    case "port":
      return isInteger(v, false) && Number(v) >= 1 && Number(v) <= 65535 ? undefined : "expected a port number from 1 to 65535";
    case "int":
      return isInteger(v, true) ? undefined : "expected an integer";
    case "uint":
      return isInteger(v, false) ? undefined : "expected a non-negative integer";
    case "portRanges":
      return portSetProblem(v, undefined);
    case "opaquePorts":
      return portSetProblem(v, names);
    case "policy":
      return ACCESS_POLICIES.includes(v) ? undefined : `expected one of ${ACCESS_POLICIES.map((p) => `"${p}"`).join(", ")}`;
    case "envJson":
      return envProblem(v);
    case "pullPolicy":
      return ["Always", "IfNotPresent", "Never"].includes(v) ? undefined : 'expected "Always", "IfNotPresent" or "Never"';
  }
}

function envProblem(v: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    return "expected a JSON array of environment variables";
  }
  if (!Array.isArray(parsed)) return "expected a JSON array of environment variables";
  return parsed.every((e) => typeof asObject(e)?.name === "string") ? undefined : 'every environment variable needs a "name"';
}

export interface LinkerdAnnotationProblem {
  readonly key: string;
  readonly value: string;
  readonly reason: string;
  /** What Linkerd does with it: the webhook-like checks that break configuration are errors, ignored values warnings. */
  readonly severity: "error" | "warning";
}

/** Forms whose failure the research classes as configuration that cannot work (item 28, 32). */
const ERROR_FORMS = new Set<Form>(["portRanges", "opaquePorts", "policy"]);

/** The Linkerd annotations of one metadata block whose values Linkerd cannot parse. */
export function annotationProblems(meta: LinkerdMetadata): LinkerdAnnotationProblem[] {
  const out: LinkerdAnnotationProblem[] = [];
  for (const [key, value] of Object.entries(meta.annotations)) {
    const m = CONFIG_PREFIX.exec(key);
    const suffix = m?.[2];
    const form = suffix ? CONFIG_FORMS[suffix] : undefined;
    if (!suffix || !form) continue;
    if (meta.site === "Service" && !SERVICE_CONFIG.has(suffix)) continue;
    if (suffix === "default-inbound-policy" && meta.site === "Service") continue;
    const names = meta.site === "Pod" ? meta.portNames : meta.site === "Namespace" ? "any" : undefined; // on a Namespace, names resolve per pod
    const reason = formProblem(form, value, names);
    if (reason) out.push({ key, value, reason, severity: ERROR_FORMS.has(form) ? "error" : "warning" });
  }
  if (meta.site === "Service") out.push(...serviceProblems(meta.annotations));
  else out.push(...limitBelowRequest(meta.annotations));
  return out;
}

/** A proxy limit below its request (the CLI refuses the same for install values). */
function limitBelowRequest(a: Readonly<Record<string, string>>): LinkerdAnnotationProblem[] {
  const out: LinkerdAnnotationProblem[] = [];
  for (const resource of ["cpu", "memory", "ephemeral-storage"]) {
    const key = `config.linkerd.io/proxy-${resource}-limit`;
    const request = a[`config.linkerd.io/proxy-${resource}-request`];
    const limit = a[key];
    if (request === undefined || limit === undefined || !isQuantity(request.trim()) || !isQuantity(limit.trim())) continue;
    if (compare(parseQuantity(limit.trim()), parseQuantity(request.trim())) < 0) {
      out.push({ key, value: limit, reason: `the limit is below the request "${request}"`, severity: "warning" });
    }
  }
  return out;
}

const ACCRUAL = "balancer.linkerd.io/failure-accrual";
const CONSECUTIVE = "balancer.linkerd.io/failure-accrual-consecutive-";
const SUCCESS_RATE = "balancer.alpha.linkerd.io/failure-accrual-success-rate-";
const HONOR_RETRY_AFTER = "balancer.alpha.linkerd.io/failure-accrual-honor-retry-after";
const PENALIZE = "balancer.alpha.linkerd.io/penalize-failures";
const BIASER = "balancer.alpha.linkerd.io/load-biaser-penalty";
const U32_MAX = 0xffffffff;


/** Retry, timeout, failure-accrual and load-biasing annotations of a Service that the policy controller cannot parse. */
function serviceProblems(a: Readonly<Record<string, string>>): LinkerdAnnotationProblem[] {
  const out: LinkerdAnnotationProblem[] = [];
  const seen = new Set<string>();
  for (const p of [...retryTimeoutProblems(a, false), ...retryTimeoutProblems(a, true)]) {
    if (seen.has(p.key)) continue;
    seen.add(p.key);
    out.push({ ...p, severity: "warning" });
  }
  const bad = (key: string, reason: string) => out.push({ key, value: a[key] ?? "", reason, severity: "error" });
  const mode = a[ACCRUAL];
  if (mode !== undefined && mode !== "consecutive" && mode !== "unified") bad(ACCRUAL, 'expected "consecutive" or "unified"');
  const duration = 'expected a Linkerd duration: one whole number and a unit ("ms", "s", "m", "h" or "d")';
  for (const [key, value] of Object.entries(a)) {
    if (key.startsWith(CONSECUTIVE)) {
      const what = key.slice(CONSECUTIVE.length);
      if (what === "max-failures" && !(isInteger(value.trim(), false) && Number(value) <= U32_MAX)) bad(key, "expected a whole number");
      if ((what === "min-penalty" || what === "max-penalty") && !isLinkerdDuration(value)) bad(key, duration);
      if (what === "jitter-ratio") {
        const n = Number(value.trim());
        if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 100) bad(key, "expected a number from 0 to 100");
      }
    } else if (key.startsWith(SUCCESS_RATE)) {
      const what = key.slice(SUCCESS_RATE.length);
      const n = Number(value.trim());
      if (what === "threshold" && (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1)) bad(key, "expected a number from 0 to 1");
      if (what === "window") {
        const ms = linkerdDurationMs(value);
        if (ms === undefined) bad(key, duration);
        else if (ms < 10) bad(key, "the window must be at least 10ms");
      }
      if (what === "min-requests" && !(isInteger(value.trim(), false) && n <= 1_000_000)) bad(key, "expected a whole number up to 1000000");
    } else if (key === PENALIZE || key === HONOR_RETRY_AFTER) {
      if (!isGoBool(value.trim())) bad(key, 'expected a boolean ("true" or "false")');
    } else if (key === BIASER) {
      const ms = linkerdDurationMs(value);
      if (ms === undefined) bad(key, duration);
      else if (ms > U32_MAX) bad(key, "the penalty must not exceed 4294967295ms (about 49.7 days)");
    }
  }
  const min = linkerdDurationMs(a[`${CONSECUTIVE}min-penalty`] ?? "");
  const max = linkerdDurationMs(a[`${CONSECUTIVE}max-penalty`] ?? "");
  if (max !== undefined && max === 0) bad(`${CONSECUTIVE}max-penalty`, "the maximum penalty must be greater than 0");
  else if (min !== undefined && max !== undefined && min > max) bad(`${CONSECUTIVE}min-penalty`, "the minimum penalty exceeds the maximum penalty");
  return out;
}

/** Failure-accrual annotations on a Service that have no effect because the accrual mode does not use them. */
export function accrualIneffective(a: Readonly<Record<string, string>>): { key: string; reason: string }[] {
  const mode = a[ACCRUAL];
  const out: { key: string; reason: string }[] = [];
  for (const key of Object.keys(a)) {
    if (key.startsWith(SUCCESS_RATE) && mode !== "unified") out.push({ key, reason: `success-rate settings apply only with ${ACCRUAL}: unified` });
    if (key.startsWith(CONSECUTIVE) && mode === undefined) out.push({ key, reason: `consecutive-failure settings apply only when ${ACCRUAL} is set` });
    if (key === HONOR_RETRY_AFTER && mode === undefined) out.push({ key, reason: `it applies only when ${ACCRUAL} is set` });
  }
  return out;
}

/** Keys that belong in annotations, not labels (the `linkerd check` data-plane label checks). */
export const isConfigKey = (key: string): boolean => key === "linkerd.io/inject" || CONFIG_PREFIX.test(key);

export const MIRROR_EXPORTED = "mirror.linkerd.io/exported";

/** Linkerd's install-time default opaque ports (charts/linkerd-control-plane/values.yaml). */
export const DEFAULT_OPAQUE_PORTS = "25,587,3306,4444,5432,6379,9300,11211";

/**
 * An opaque-ports value as a set of container ports: numbers, ranges, and (on pods) container port names resolved
 * through `names`. Entries that do not parse are left out, as Linkerd does.
 */
export function opaquePortSet(value: string, names: ReadonlyMap<string, number>): (port: number) => boolean {
  const ranges: [number, number][] = [];
  for (const raw of value.split(",")) {
    const item = raw.trim();
    const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(item);
    if (m) {
      const lo = Number(m[1]);
      const hi = m[2] === undefined ? lo : Number(m[2]);
      if (lo >= 1 && hi <= 65535 && lo <= hi) ranges.push([lo, hi]);
    } else if (names.has(item)) {
      const port = names.get(item) as number;
      ranges.push([port, port]);
    }
  }
  return (port) => ranges.some(([lo, hi]) => port >= lo && port <= hi);
}
