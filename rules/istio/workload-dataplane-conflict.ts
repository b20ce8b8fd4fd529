import { defineRule } from "../../src/engine/rule.js";
import { declaredNamespaceLabels, isWaypointWorkload } from "../../src/istio/ambient.js";
import { K } from "../../src/model/kinds.js";
import type { FieldPath } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { type Workload, workloadOf } from "../../src/model/workloads.js";

const DATAPLANE = "istio.io/dataplane-mode";
const INJECT = "sidecar.istio.io/inject";
const REVISION = "istio.io/rev";

/** Where a data plane is asked for: the label as written, and the pod template's field when the pod asks. */
interface Request {
  readonly label: string;
  readonly path: FieldPath | undefined;
}

const labelPath = (w: Workload, key: string): FieldPath => [...w.templatePath, "metadata", "labels", key];

/** Ambient mode: the pod's `istio.io/dataplane-mode` label, else its namespace's. */
function ambientRequest(w: Workload, ns: Readonly<Record<string, string>>): Request | undefined {
  const own = w.labels[DATAPLANE];
  if (own !== undefined) return own === "ambient" ? { label: `${DATAPLANE}=ambient`, path: labelPath(w, DATAPLANE) } : undefined;
  return ns[DATAPLANE] === "ambient" ? { label: `${DATAPLANE}=ambient`, path: undefined } : undefined;
}

/**
 * Sidecar injection as the default injection webhooks decide it: the pod's `sidecar.istio.io/inject: "false"` opts
 * out; a namespace `istio-injection` label decides, else a namespace `istio.io/rev`; else the pod's own
 * `sidecar.istio.io/inject: "true"` or `istio.io/rev` label.
 */
function sidecarRequest(w: Workload, ns: Readonly<Record<string, string>>): Request | undefined {
  if (w.labels[INJECT] === "false" || w.annotations[INJECT] === "false") return undefined;
  const injection = ns["istio-injection"];
  if (injection !== undefined) return injection === "enabled" ? { label: "istio-injection=enabled", path: undefined } : undefined;
  if (ns[REVISION] !== undefined) return { label: `${REVISION}=${ns[REVISION]}`, path: undefined };
  if (w.labels[INJECT] === "true") return { label: `${INJECT}=true`, path: labelPath(w, INJECT) };
  if (w.labels[REVISION] !== undefined) return { label: `${REVISION}=${w.labels[REVISION]}`, path: labelPath(w, REVISION) };
  return undefined;
}

export default defineRule({
  meta: {
    id: "workload-dataplane-conflict",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A workload asks for both a sidecar and ambient mode (at least one of them on its own pod template); the sidecar wins.",
    aliases: [
      { tool: "kiali", code: "KIA1311", match: "partial", messageIds: ["bothRequested"] },
      { tool: "kiali", code: "KIA1316", match: "partial", messageIds: ["injectedInAmbient"] },
    ],
    messages: {
      bothRequested: '{{workload}} asks for a sidecar ("{{sidecar}}") and for ambient mode ("{{ambient}}"); the sidecar is injected and ztunnel leaves pods with a sidecar alone.',
      injectedInAmbient: '{{workload}} already holds an injected sidecar ("istio-proxy") and asks for ambient mode ("{{ambient}}"); ztunnel leaves pods with a sidecar alone.',
    },
  },
  target: WORKLOAD_KINDS,
  reads: [K.Namespace],
  check(resource, ctx) {
    const w = workloadOf(resource);
    if (!w || isWaypointWorkload(w)) return;
    const ns = declaredNamespaceLabels(ctx.index, w.namespace);
    const ambient = ambientRequest(w, ns);
    if (!ambient) return;
    const workload = `${resource.kind} "${resource.namespace}/${resource.name}"`;
    const help = `Keep one data plane: drop the ambient label, or the sidecar request (a pod can opt out with ${INJECT}=false).`;
    if (w.containers.some((c) => c.name === "istio-proxy")) {
      ctx.report({ resource, path: ambient.path ?? [...w.templatePath, "spec", "containers"], messageId: "injectedInAmbient", data: { workload, ambient: ambient.label }, help });
      return;
    }
    const sidecar = sidecarRequest(w, ns);
    // Both asked by the Namespace alone: namespace-injection-conflict reports it there, once.
    if (!sidecar || (!sidecar.path && !ambient.path)) return;
    ctx.report({
      resource,
      path: ambient.path ?? sidecar.path ?? [],
      messageId: "bothRequested",
      data: { workload, sidecar: sidecar.label, ambient: ambient.label },
      help,
    });
  },
});
