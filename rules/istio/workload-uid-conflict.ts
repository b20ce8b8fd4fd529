import { defineRule } from "../../src/engine/rule.js";
import { ISTIO_EVIDENCE_KINDS, showsIstio } from "../../src/istio/evidence.js";
import { type FieldPath, asArray, asNumber, asObject, asString, getPath, labelsOf } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { workloadOf } from "../../src/model/workloads.js";

/** The UID Istio's sidecar runs as; the traffic capture rules let this UID's traffic bypass the proxy. */
const PROXY_UID = 1337;
const PROXY_CONTAINERS = new Set(["istio-proxy", "istio-operator"]);

export default defineRule({
  meta: {
    id: "workload-uid-conflict",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "An application runs as UID 1337, the UID Istio reserves for its sidecar proxy.",
    aliases: [{ tool: "istioctl", code: "IST0144", match: "same" }],
    messages: {
      pod: "The pod's security context runs it as UID 1337, the UID of Istio's sidecar proxy.",
      container: 'Container "{{container}}" runs as UID 1337, the UID of Istio\'s sidecar proxy.',
    },
  },
  target: WORKLOAD_KINDS,
  reads: ISTIO_EVIDENCE_KINDS,
  check(resource, ctx) {
    const workload = workloadOf(resource);
    // 1337 is Istio's convention; where the repository shows no Istio, no sidecar is there to be bypassed.
    if (!workload || !showsIstio(ctx.index)) return;
    // Istio's own components (labelled `istio=…` or `release=istio`) run as 1337 on purpose.
    const labels = labelsOf(resource);
    if (labels.istio !== undefined || labels.release === "istio") return;
    const specPath: FieldPath = [...workload.templatePath, "spec"];
    const help = "Run the application as another UID: traffic from UID 1337 bypasses the sidecar, so it leaves the pod unencrypted and unobserved.";
    const podUid: FieldPath = [...specPath, "securityContext", "runAsUser"];
    // A pod of proxies alone (a gateway deployed with gateway injection) runs the proxy's own UID: no application to bypass it.
    const onlyProxies = workload.containers.length > 0 && workload.containers.every((c) => PROXY_CONTAINERS.has(c.name));
    if (asNumber(getPath(resource.data, podUid)) === PROXY_UID && !onlyProxies) {
      ctx.report({ resource, path: podUid, messageId: "pod", help });
    }
    asArray(getPath(resource.data, [...specPath, "containers"])).forEach((c, i) => {
      const container = asObject(c);
      const name = asString(container?.name) ?? "";
      if (PROXY_CONTAINERS.has(name)) return;
      const path: FieldPath = [...specPath, "containers", i, "securityContext", "runAsUser"];
      if (asNumber(getPath(resource.data, path)) !== PROXY_UID) return;
      ctx.report({ resource, path, messageId: "container", data: { container: name }, help });
    });
  },
});
