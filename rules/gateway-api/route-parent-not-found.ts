import { defineRule } from "../../src/engine/rule.js";
import { selectListeners } from "../../src/gateway-api/listeners.js";
import { listedPorts, serviceView } from "../../src/model/services.js";
import { EgressNetwork, ListenerSet, ROUTE_KINDS, type ParentRef, parentRefs } from "../../src/gateway-api/references.js";
import { holdsKindIn, holdsKind } from "../../src/model/evidence.js";
import { K, type KindKey } from "../../src/model/kinds.js";
import type { ResourceIndex } from "../../src/model/resource-index.js";
import { type Resource, isLinted } from "../../src/model/resource.js";

const KINDS: Partial<Record<ParentRef["target"], KindKey>> = {
  gateway: K.KubernetesGateway,
  listenerset: ListenerSet,
  service: K.Service,
  egressnetwork: EgressNetwork,
};

/** Gateways are always judged (a route to a missing Gateway attaches nowhere); the other kinds only where the repository holds some. */
const judged = (index: ResourceIndex, ref: ParentRef, kind: KindKey): boolean => ref.target === "gateway" || holdsKind(index, kind);

/** The problem of a listener or Service port selection, when every definition of the parent has it. */
function sectionProblem(index: ResourceIndex, ref: ParentRef, defs: readonly Resource[]): "sectionNotFound" | "portNotFound" | undefined {
  const problems = defs.map((d) => {
    if (ref.target !== "service") {
      const selected = selectListeners(ref, d);
      return typeof selected === "string" ? selected : undefined;
    }
    const ports = listedPorts(serviceView(index, d));
    if (!ports) return undefined;
    if (ref.sectionName !== undefined && !ports.some((p) => p.name === ref.sectionName)) return "sectionNotFound";
    if (ref.port !== undefined && !ports.some((p) => p.number === ref.port && (ref.sectionName === undefined || p.name === ref.sectionName))) return "portNotFound";
    return undefined;
  });
  return problems.every((p) => p !== undefined) ? problems[0] : undefined;
}

export default defineRule({
  meta: {
    id: "route-parent-not-found",
    area: "gateway-api",
    category: "correctness",
    severity: "error",
    description: "A Gateway API route's parentRef names a Gateway, Service, listener or Service port that does not exist.",
    aliases: [
      { tool: "kiali", code: "KIA1401", match: "partial", messageIds: ["parentNotFound"] },
      { tool: "kiali", code: "KIA1402", match: "partial", messageIds: ["serviceNotFound"] },
    ],
    messages: {
      parentNotFound: '{{kind}} "{{name}}" does not exist in namespace "{{namespace}}".',
      serviceNotFound: 'Service "{{name}}" does not exist in namespace "{{namespace}}".',
      sectionNotFound: '{{kind}} "{{name}}" has no {{what}} named "{{section}}".',
      portNotFound: '{{kind}} "{{name}}" has no {{portWhat}} {{port}}.',
      serviceGroupMissing: 'parentRef to kind "Service" has no group, so it names group "gateway.networking.k8s.io", which has no Service kind.',
    },
  },
  target: ROUTE_KINDS,
  reads: [K.KubernetesGateway, ListenerSet, K.Service, EgressNetwork],
  check(route, ctx) {
    for (const ref of parentRefs(route)) {
      if (ref.kind === "Service" && !ref.groupWritten) {
        ctx.report({ resource: route, path: ref.path, messageId: "serviceGroupMissing", help: 'Set group: "" for a mesh (GAMMA) parent Service.' });
        continue;
      }
      const kind = KINDS[ref.target];
      if (!kind || !judged(ctx.index, ref, kind)) continue;
      const defs = ctx.index.definitions(kind, ref.namespace, ref.name);
      const data = { kind: ref.kind, name: ref.name, namespace: ref.namespace };
      if (defs.length === 0) {
        // Where the repository defines no object of the parent's kind in its namespace, the parent belongs to
        // someone else: a platform team's Gateway (Gateway API's split between cluster operators and application
        // developers) is an info, a Service kept elsewhere a warning. A Gateway of that name in another namespace
        // of the repository is the one meant, with its namespace left out: a warning.
        const certain = holdsKindIn(ctx.index, kind, ref.namespace);
        const namedElsewhere = ref.target === "gateway" && ctx.index.all(kind).some((g) => g.name === ref.name && isLinted(g));
        const uncertain = ref.target === "service" || namedElsewhere ? ("warning" as const) : ("info" as const);
        ctx.report({
          resource: route,
          path: [...ref.path, "name"],
          messageId: ref.target === "service" ? "serviceNotFound" : "parentNotFound",
          data,
          help: ref.namespace === route.namespace ? "Fix the name, or set namespace when the parent lives in another namespace." : "Fix the name or the namespace of the parent.",
          ...(certain ? {} : { severity: uncertain }),
        });
        continue;
      }
      const problem = sectionProblem(ctx.index, ref, defs);
      if (!problem) continue;
      const what = ref.target === "service" ? "port" : "listener";
      ctx.report({
        resource: route,
        path: [...ref.path, problem === "sectionNotFound" ? "sectionName" : "port"],
        messageId: problem,
        data: { ...data, what, portWhat: ref.target === "service" ? "port" : "listener on port", section: ref.sectionName ?? "", port: ref.port ?? "" },
        help: `Name one of the ${what}s of ${ref.kind} "${ref.name}".`,
        related: [{ resource: defs[0] as Resource, path: ref.target === "service" ? ["spec", "ports"] : ["spec", "listeners"], message: `${what}s of ${ref.kind} "${ref.name}"` }],
      });
    }
  },
});
