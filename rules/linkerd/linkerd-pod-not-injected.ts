import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { INJECT_ANNOTATION, injectValueMeshes } from "../../src/linkerd/injection.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { annotationsOf, getPath } from "../../src/model/resource.js";
import { workloadOf } from "../../src/model/workloads.js";

export default defineRule({
  meta: {
    id: "linkerd-pod-not-injected",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "A workload that asks for the Linkerd proxy but that the injector skips (hostNetwork), or whose UDP ports the proxy does not carry.",
    messages: {
      hostNetwork: "This pod asks for Linkerd injection ({{reason}}) but uses hostNetwork, so the injector skips it.",
      udp: 'Container port {{port}} ("{{container}}") is UDP, which the Linkerd proxy does not carry.',
    },
  },
  target: WORKLOAD_KINDS,
  reads: [K.Namespace],
  check(resource, ctx) {
    const w = workloadOf(resource);
    if (!w) return;
    const own = w.annotations[INJECT_ANNOTATION];
    const ns = ctx.index.namespaces().declared(w.namespace);
    const nsValue = ns ? annotationsOf(ns)[INJECT_ANNOTATION] : undefined;
    const injecting = (value: string | undefined) => injectValueMeshes(ctx.settings, value);
    const reason = injecting(own)
      ? `${INJECT_ANNOTATION}: ${own} on the pod template`
      : (own === undefined || own === "") && injecting(nsValue)
        ? `${INJECT_ANNOTATION}: ${nsValue} on namespace "${w.namespace}"`
        : undefined;
    if (!reason) return;
    const hostNetworkPath = [...w.templatePath, "spec", "hostNetwork"];
    if (getPath(resource.data, hostNetworkPath) === true) {
      ctx.report({ resource, path: hostNetworkPath, messageId: "hostNetwork", data: { reason }, help: "Drop hostNetwork, or set linkerd.io/inject: disabled on this pod to say it is unmeshed on purpose." });
      return;
    }
    for (const c of w.containers) {
      const i = w.containers.indexOf(c);
      c.ports.forEach((p, j) => {
        if (p.protocol !== "UDP") return;
        ctx.report({
          resource,
          path: [...w.templatePath, "spec", "containers", i, "ports", j, "protocol"],
          messageId: "udp",
          data: { port: p.containerPort, container: c.name },
          severity: "info",
          help: "UDP traffic bypasses the proxy: it is neither encrypted nor observed by Linkerd.",
        });
      });
    }
  },
});
