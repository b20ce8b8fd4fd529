import { defineRule } from "../../src/engine/rule.js";
import { injectorConfigMapName } from "../../src/istio/injection.js";
import { K } from "../../src/model/kinds.js";
import { type ResourceIndex } from "../../src/model/resource-index.js";
import { asObject, asString, isObject, labelsOf, isLinted } from "../../src/model/resource.js";

const SYSTEM_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease", "local-path-storage", "istio-system"]);
const DATAPLANE_LABELS = ["istio-injection", "istio.io/rev", "istio.io/dataplane-mode"];

export default defineRule({
  meta: {
    id: "namespace-injection-missing",
    area: "istio",
    category: "suspicious",
    severity: "info",
    description: "A Namespace says nothing about sidecar injection, while other namespaces of the repository do.",
    aliases: [
      { tool: "istioctl", code: "IST0102", match: "same", messageIds: ["notInjected"] },
      { tool: "istioctl", code: "IST0148", match: "same", messageIds: ["injectedByDefault"] },
    ],
    messages: {
      notInjected: 'Namespace "{{namespace}}" has no "istio-injection", "istio.io/rev" or "istio.io/dataplane-mode" label, so its pods join no data plane.',
      injectedByDefault: 'Namespace "{{namespace}}" has no injection label, and the injector injects such namespaces by default.',
    },
  },
  target: [K.Namespace],
  reads: [K.ConfigMap],
  check(ns, ctx) {
    if (SYSTEM_NAMESPACES.has(ns.name) || ns.name === ctx.settings.rootNamespace) return;
    const labels = labelsOf(ns);
    if (DATAPLANE_LABELS.some((l) => labels[l] !== undefined)) return;
    if (injectsByDefault(ctx.index)) {
      ctx.report({ resource: ns, messageId: "injectedByDefault", data: { namespace: ns.name }, help: 'Label it "istio-injection=disabled" if its pods must not get a sidecar.' });
      return;
    }
    // A repository whose namespaces never ask for a data plane manages injection some other way.
    if (!labelsInUse(ctx.index)) return;
    ctx.report({
      resource: ns,
      messageId: "notInjected",
      data: { namespace: ns.name },
      help: 'Label it "istio-injection=enabled" (or "istio.io/rev=<revision>", or "istio.io/dataplane-mode=ambient"), or "istio-injection=disabled" to say it stays out.',
    });
  },
});

/** Whether some Namespace of the repository carries a data plane label. */
const labelsInUse = (index: ResourceIndex): boolean =>
  index.memo("istio/namespace-dataplane-labels", [K.Namespace], () =>
    index.all(K.Namespace).some((ns) => isLinted(ns) && DATAPLANE_LABELS.some((l) => labelsOf(ns)[l] !== undefined)),
  );

/** `sidecarInjectorWebhook.enableNamespacesByDefault` in the values of the default revision's injector ConfigMap. */
function injectsByDefault(index: ResourceIndex): boolean {
  const name = injectorConfigMapName(undefined);
  return index.all(K.ConfigMap).some((cm) => {
    if (cm.name !== name) return false;
    const values = asString(asObject(cm.data.data)?.values);
    if (!values) return false;
    try {
      const parsed: unknown = JSON.parse(values);
      const webhook = isObject(parsed) ? asObject(parsed.sidecarInjectorWebhook) : undefined;
      return webhook?.enableNamespacesByDefault === true;
    } catch {
      return false;
    }
  });
}
