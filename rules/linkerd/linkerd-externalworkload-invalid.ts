import { defineRule } from "../../src/engine/rule.js";
import { fqdnProblem, isIpAddress } from "../../src/validation/common.js";
import { K } from "../../src/model/kinds.js";
import { identityProblem } from "../../src/linkerd/policy-validation.js";
import { asArray, asNumber, asObject, asString, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "linkerd-externalworkload-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description: "A Linkerd ExternalWorkload has a workload IP that is not an IP address, a malformed meshTLS identity or serverName, or repeated IPs or ports.",
    messages: {
      ipInvalid: 'workloadIPs ip "{{value}}" is not an IP address.',
      ipDuplicate: 'workloadIPs lists "{{value}}" twice.',
      identityInvalid: 'meshTLS.identity "{{value}}" is invalid: {{reason}}.',
      serverNameInvalid: 'meshTLS.serverName "{{value}}" is not a DNS name: {{reason}}.',
      portDuplicate: "ports lists {{what}} twice.",
    },
  },
  target: [K.ExternalWorkload],
  reads: [],
  check(workload, ctx) {
    const s = spec(workload);
    const ips = new Set<string>();
    asArray(s.workloadIPs).forEach((w, i) => {
      const ip = asString(asObject(w)?.ip);
      if (ip === undefined) return;
      const path = ["spec", "workloadIPs", i, "ip"];
      if (!isIpAddress(ip)) ctx.report({ resource: workload, path, messageId: "ipInvalid", data: { value: ip }, help: "Write the workload's IPv4 or IPv6 address (expand template variables before applying)." });
      else if (ips.has(ip)) ctx.report({ resource: workload, path, messageId: "ipDuplicate", data: { value: ip }, severity: "warning", help: "List each address once." });
      ips.add(ip);
    });
    const tls = asObject(s.meshTLS);
    const identity = asString(tls?.identity);
    const identityReason = identity ? identityProblem(identity) : undefined;
    if (identity && identityReason) {
      ctx.report({ resource: workload, path: ["spec", "meshTLS", "identity"], messageId: "identityInvalid", data: { value: identity, reason: identityReason }, help: 'Use the SPIFFE id the workload\'s certificate carries, such as "spiffe://root.linkerd.cluster.local/vm-1".' });
    }
    const serverName = asString(tls?.serverName);
    const serverReason = serverName ? fqdnProblem(serverName) : undefined;
    if (serverName && serverReason) {
      ctx.report({ resource: workload, path: ["spec", "meshTLS", "serverName"], messageId: "serverNameInvalid", data: { value: serverName, reason: serverReason }, help: "Use the DNS name in the workload's certificate." });
    }
    const seen = new Set<string>();
    asArray(s.ports).forEach((p, i) => {
      const port = asObject(p);
      const number = asNumber(port?.port);
      const key = `${asString(port?.protocol) ?? "TCP"}/${number}`;
      const name = asString(port?.name);
      const dup = number !== undefined && seen.has(key) ? `port ${number}` : name && seen.has(`name:${name}`) ? `the name "${name}"` : undefined;
      if (dup) ctx.report({ resource: workload, path: ["spec", "ports", i], messageId: "portDuplicate", data: { what: dup }, severity: "warning", help: "List each port once, with a unique name." });
      if (number !== undefined) seen.add(key);
      if (name) seen.add(`name:${name}`);
    });
  },
});
