import { defineRule } from "../../src/engine/rule.js";
import { policyTarget } from "../../src/istio/policy-targets.js";
import { workloadPeerAuthentications } from "../../src/istio/mtls.js";
import { namespaceWidePolicies, quotedNames, workloadName } from "../../src/istio/selection.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, byCreation } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";

const oldest = (list: readonly Resource[]): Resource => [...list].sort(byCreation)[0] as Resource;

export default defineRule({
  meta: {
    id: "peerauthentication-selector-conflict",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "Two PeerAuthentications select the same workload, or two without selector share a namespace; Istio applies only the oldest.",
    aliases: [
      { tool: "kiali", code: "KIA0003", match: "same", messageIds: ["workloadSelectedTwice"] },
      { tool: "kiali", code: "KIA0002", match: "same", messageIds: ["namespaceDefaultTwice", "meshDefaultTwice"] },
    ],
    messages: {
      workloadSelectedTwice: '{{workload}} is also selected by PeerAuthentication {{others}}; Istio applies only the oldest of them, "{{applied}}".',
      namespaceDefaultTwice: 'PeerAuthentication {{others}} also has no selector in namespace "{{namespace}}"; Istio applies only the oldest of them, "{{applied}}".',
      meshDefaultTwice: 'PeerAuthentication {{others}} is also mesh-wide (no selector in root namespace "{{namespace}}"); Istio applies only the oldest of them, "{{applied}}".',
    },
  },
  reads: [K.PeerAuthentication, ...WORKLOAD_KINDS],
  checkAll(ctx) {
    // The same query the mTLS model uses to pick a workload's PeerAuthentication, so the one named as applied is the
    // one every mTLS check judges with. Each policy is reported once, with the first workload it competes for.
    const reported = new Set<Resource>();
    for (const workload of ctx.index.workloads().all) {
      const selecting = workloadPeerAuthentications(ctx.index, workload);
      if (selecting.length < 2) continue;
      const applied = displayed(selecting[0] as Resource);
      for (const pa of selecting) {
        if (reported.has(pa)) continue;
        reported.add(pa);
        const target = policyTarget(pa);
        const others = selecting.filter((p) => p !== pa);
        ctx.report({
          resource: pa,
          path: target.kind === "selector" ? target.path : ["metadata", "name"],
          messageId: "workloadSelectedTwice",
          data: { workload: workloadName(workload), others: quotedNames(others), applied },
          help: "Merge them into one PeerAuthentication, or narrow the selectors so that each workload is selected once.",
          related: others.map((o) => ({ resource: o, message: "also selects this workload" })),
        });
      }
    }
    const root = ctx.settings.rootNamespace;
    for (const [namespace, list] of namespaceWidePolicies(ctx.index.all(K.PeerAuthentication))) {
      if (list.length < 2) continue;
      const applied = displayed(oldest(list));
      for (const pa of list) {
        const others = list.filter((p) => p !== pa);
        ctx.report({
          resource: pa,
          messageId: namespace === root ? "meshDefaultTwice" : "namespaceDefaultTwice",
          data: { others: quotedNames(others), namespace, applied },
          help: "Keep one PeerAuthentication without selector per namespace; merge the others into it or give them a selector.",
          related: others.map((o) => ({ resource: o, message: "also has no selector" })),
        });
      }
    }
  },
});

const displayed = (r: Resource): string => `${r.namespace}/${r.name}`;
