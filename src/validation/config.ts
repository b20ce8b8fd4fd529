/**
 * Checks Istio's validating webhook makes on every kind of Istio configuration beyond the CRDs: the annotations it
 * refuses, workload selectors (empty keys, wildcards, no labels) and the kinds a targetRef may name (paraphrased
 * from istio/istio pkg/config/validation).
 */
import { K, type KindKey } from "../model/kinds.js";
import { type FieldPath, type JsonObject, type Resource, annotationsOf, asArray, asObject, asString, scalarText, spec } from "../model/resource.js";
import { type Sink, isSet, type Problem, collect } from "./common.js";

export const TrafficExtensionKind: KindKey = Object.freeze({ group: "extensions.istio.io", kind: "TrafficExtension" });

/** Every kind istiod's webhook validates. */
export const ISTIO_CONFIG_KINDS: readonly KindKey[] = [
  K.VirtualService, K.DestinationRule, K.Gateway, K.ServiceEntry, K.Sidecar, K.EnvoyFilter, K.WorkloadEntry, K.WorkloadGroup,
  K.ProxyConfig, K.AuthorizationPolicy, K.PeerAuthentication, K.RequestAuthentication, K.Telemetry, K.WasmPlugin, TrafficExtensionKind,
];

const DRY_RUN = "istio.io/dry-run";
const RESERVED_ANNOTATIONS = ["internal.istio.io/webhook-always-reject", "internal.istio.io/parents", "internal.istio.io/parent-namespace"];
const GO_BOOLEANS = new Set(["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"]);

export type AnnotationMessage = "dryRunUnsupported" | "dryRunValue" | "dryRunAction" | "reserved";

/** `istio.io/dry-run` only on ALLOW/DENY AuthorizationPolicies with a boolean value; istiod's own annotations refused. */
function checkConfigAnnotations(r: Resource, sink: Sink<AnnotationMessage>): void {
  const annotations = annotationsOf(r);
  const at = (key: string): FieldPath => ["metadata", "annotations", key];
  const dryRun = annotations[DRY_RUN];
  if (dryRun !== undefined) {
    if (r.kind !== "AuthorizationPolicy" || r.group !== K.AuthorizationPolicy.group) sink.error(at(DRY_RUN), "dryRunUnsupported", { kind: r.kind }, "key");
    else {
      const action = asString(spec(r).action) ?? "ALLOW";
      if (action !== "ALLOW" && action !== "DENY") sink.error(at(DRY_RUN), "dryRunAction", { action });
      else if (!GO_BOOLEANS.has(dryRun)) sink.error(at(DRY_RUN), "dryRunValue", { value: dryRun });
    }
  }
  for (const key of RESERVED_ANNOTATIONS) if (annotations[key] !== undefined) sink.error(at(key), "reserved", { key }, "key");
}

export type SelectorMessage = "selectorEmptyKey" | "selectorWildcard" | "selectorNoLabels";

/** Kinds whose selector is `workloadSelector.labels`; the CRD's CEL rules only refuse a `*` in the values there. */
const LABELS_SELECTOR_KINDS = new Set(["Sidecar", "ServiceEntry", "EnvoyFilter"]);

/**
 * The workload selector: `workloadSelector.labels` (Sidecar, ServiceEntry, EnvoyFilter: empty keys and `*` in keys
 * are only refused by the webhook), `workloadSelector.matchLabels` (DestinationRule) or `selector.matchLabels`
 * (security, telemetry and extension kinds, ProxyConfig). A selector without labels is only a warning.
 */
function checkSelector(r: Resource, sink: Sink<SelectorMessage>): void {
  const s = spec(r);
  const labelsKind = LABELS_SELECTOR_KINDS.has(r.kind);
  const field = labelsKind || r.kind === "DestinationRule" ? "workloadSelector" : "selector";
  if (!isSet(s, field)) return;
  const selector: JsonObject = asObject(s[field]) ?? {};
  const key = labelsKind ? "labels" : "matchLabels";
  const labels = asObject(selector[key]) ?? {};
  const path: FieldPath = ["spec", field, key];
  if (labelsKind) {
    for (const [k, v] of Object.entries(labels)) {
      if (k === "") sink.error([...path, k], "selectorEmptyKey", { field: `${field}.${key}` }, "key");
      else if (k.includes("*")) sink.error([...path, k], "selectorWildcard", { key: k, value: scalarText(v) ?? "" }, "key");
    }
  }
  if (Object.keys(labels).length === 0) {
    sink.warn(isSet(selector, key) ? path : ["spec", field], "selectorNoLabels", { field: `${field}.${key}`, kind: r.kind, namespace: r.namespace });
  }
}

export type TargetRefMessage = "targetRefKind";

const ALLOWED_TARGETS = new Set(["core/Service", "networking.istio.io/ServiceEntry", "gateway.networking.k8s.io/Gateway", "gateway.networking.k8s.io/GatewayClass"]);

/** Kinds whose targetRef(s) the webhook checks. */
export const TARGET_REF_KINDS: readonly KindKey[] = [K.AuthorizationPolicy, K.RequestAuthentication, K.Telemetry, K.WasmPlugin, TrafficExtensionKind];

/** targetRef / targetRefs must name a Service, ServiceEntry, or Gateway API Gateway or GatewayClass. */
function checkTargetRefs(r: Resource, sink: Sink<TargetRefMessage>): void {
  const s = spec(r);
  const refs: { ref: JsonObject; path: FieldPath }[] = [];
  const single = asObject(s.targetRef);
  if (single) refs.push({ ref: single, path: ["spec", "targetRef"] });
  asArray(s.targetRefs).forEach((v, i) => {
    const ref = asObject(v);
    if (ref) refs.push({ ref, path: ["spec", "targetRefs", i] });
  });
  for (const { ref, path } of refs) {
    const group = asString(ref.group) ?? "";
    const kind = asString(ref.kind) ?? "";
    // A kind that is no Kubernetes kind name at all is the schema's to report.
    if (!/^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(kind)) continue;
    if (!ALLOWED_TARGETS.has(`${group || "core"}/${kind}`)) sink.error([...path, "kind"], "targetRefKind", { group: group || "core", kind });
  }
}

export const validateConfigAnnotations = (resource: Resource): Problem<AnnotationMessage>[] => collect((sink: Sink<AnnotationMessage>) => checkConfigAnnotations(resource, sink));

export const validateSelector = (resource: Resource): Problem<SelectorMessage>[] => collect((sink: Sink<SelectorMessage>) => checkSelector(resource, sink));

export const validateTargetRefs = (resource: Resource): Problem<TargetRefMessage>[] => collect((sink: Sink<TargetRefMessage>) => checkTargetRefs(resource, sink));
