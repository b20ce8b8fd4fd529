import type { AccessEngine, AccessRequest, Backend, BackendDecision, Decider, MtlsSummary, ResolvedSource, ResolvedTarget } from "./types.js";
import { describeBackend } from "./text.js";
import { type FieldPath, type Resource, displayName } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { type AuthzOutcome, type AuthzPolicy, applicablePolicies, evaluate, principalOf } from "../istio/authz.js";
import { mayBeInMesh } from "../istio/injection.js";
import { ANY_SERVICE, type Connection, connection } from "../istio/mtls.js";
import { isHttpProtocol } from "../istio/protocols.js";
import { servicesSelecting, targetPortOn } from "../model/services.js";

/** Istio's answer to "can A call B?": the mTLS handshake first, then CUSTOM, DENY and ALLOW policies. */
export const istioAccessEngine: AccessEngine = {
  name: "istio",
  handles: () => true,
  decide: decideIstio,
};

function decideIstio(index: ResourceIndex, request: AccessRequest, source: ResolvedSource, target: ResolvedTarget, backend: Backend): BackendDecision {
  const notes: string[] = [];
  const http = isHttpProtocol(backend.protocol) || backend.protocol === "unknown";
  const method = (request.method ?? "GET").toUpperCase();
  const path = request.path ?? "/";
  if (http && request.method === undefined) notes.push("No method was given: GET is assumed.");
  if (!http && (request.method !== undefined || request.path !== undefined)) {
    notes.push(`Port ${target.port ?? "?"} carries ${backend.protocol.toUpperCase()}, not HTTP: the method and path do not apply.`);
  }
  const where = describeBackend(target, backend);
  const asked = `${http ? `${method} ${path}` : "A TCP connection"} from ${source.namespace}/sa/${source.serviceAccount} to ${where}`;
  const targetInMesh = backend.workload ? mayBeInMesh(index, backend.workload) : true;
  const called = calledHost(index, target, backend);
  const conn = connection(index, {
    fromNamespace: source.namespace,
    sourceInMesh: source.inMesh,
    host: called.host,
    hostNamespaces: [called.namespace],
    servicePort: called.port,
    pod: { namespace: backend.namespace, labels: backend.labels },
    targetInMesh,
    targetPort: backend.containerPort,
  });
  const mtls = summarize(conn, targetInMesh, source.inMesh);
  const transport = describeTransport(conn, mtls, source.inMesh, targetInMesh);
  const base = { backend, mtls, notes };

  if (!targetInMesh) {
    if (conn.accepted) {
      return { ...base, decision: "allow", stage: "unenforced", decidedBy: undefined, explanation: `${asked}: allowed. ${transport} The target has no sidecar, so Istio enforces no authorization policy on it.` };
    }
    return { ...base, decision: "deny", stage: "transport", decidedBy: mtls.clientDecidedBy, explanation: `${asked}: denied. ${transport} The target has no sidecar to terminate mutual TLS, so the connection fails.` };
  }
  if (!conn.accepted) {
    const decidedBy = conn.server.mode === "STRICT" ? mtls.modeDecidedBy : (mtls.clientDecidedBy ?? mtls.modeDecidedBy);
    return { ...base, decision: "deny", stage: "transport", decidedBy, explanation: `${asked}: denied. ${transport} The connection is refused before any authorization policy is evaluated.` };
  }
  const policies = applicablePolicies(index, { namespace: backend.namespace, labels: backend.labels, workload: backend.workload });
  const outcome = evaluate(index, policies, {
    peer: conn.transport === "mtls" ? { namespace: source.namespace, serviceAccount: source.serviceAccount } : undefined,
    port: backend.containerPort,
    http,
    method,
    path,
    hosts: request.host ? [request.host] : target.hosts,
    headers: request.headers ?? {},
  });
  notes.push(...outcome.notes);
  if (conn.transport !== "mtls") notes.push("The connection is not mutual TLS, so the caller has no peer identity: principals, namespaces and service accounts cannot match it.");
  if (request.host === undefined && policiesUseHosts(policies)) notes.push(`No Host header was given: any of the target's names may be sent (${target.hosts.slice(0, 2).join(", ")}, …).`);
  const decidedBy = outcome.decidedBy ? ruleDecider(outcome.decidedBy.policy, outcome.decidedBy.rule?.index, outcome.decidedBy.path) : undefined;
  const verdict = outcome.allowed ? "allowed" : "denied";
  return {
    ...base,
    decision: outcome.allowed ? "allow" : "deny",
    stage: "authorization",
    decidedBy,
    explanation: `${asked}: ${verdict}. ${transport} ${describeOutcome(outcome, source, index)}`,
  };
}

/** The host the caller's sidecar resolves (for the DestinationRule lookup) and the Service port. */
function calledHost(index: ResourceIndex, target: ResolvedTarget, backend: Backend): { host: string; namespace: string; port: number | undefined } {
  if (target.kind === "Service" && target.fqdn) return { host: target.fqdn, namespace: target.namespace, port: target.port };
  // A workload is reached through a Service whose port leads to the container port, when there is one.
  const w = backend.workload;
  if (w) {
    for (const service of servicesSelecting(index, w)) {
      const port = service.ports.find((p) => targetPortOn(p, w) === backend.containerPort);
      if (port) return { host: service.fqdn, namespace: service.namespace, port: port.number };
    }
  }
  return { host: `${ANY_SERVICE}.${backend.namespace}.svc.${index.settings.clusterDomain}`, namespace: backend.namespace, port: undefined };
}


function summarize(conn: Connection, targetInMesh: boolean, sourceInMesh: boolean): MtlsSummary {
  const server = conn.server;
  return {
    mode: targetInMesh ? server.mode : "NONE",
    modeDecidedBy: server.policy ? { resource: server.policy, path: server.path, what: `${server.mode} mTLS` } : undefined,
    client: !sourceInMesh ? "none" : (conn.client.mode ?? "auto"),
    clientDecidedBy:
      conn.client.rule && conn.client.path ? { resource: conn.client.rule, path: conn.client.path, what: `TLS mode ${conn.client.mode ?? "DISABLE"}` } : undefined,
    transport: conn.transport,
  };
}

const at = (d: Decider): string => {
  const span = d.resource.origin.locate(d.path);
  return `${displayName(d.resource)}${span ? ` (${span.file}:${span.line})` : ""}`;
};

function describeTransport(conn: Connection, mtls: MtlsSummary, sourceInMesh: boolean, targetInMesh: boolean): string {
  const carried = conn.transport === "mtls" ? "mutual TLS" : conn.transport === "tls" ? "TLS the client originates itself" : "plaintext";
  const client = !sourceInMesh
    ? "the caller has no sidecar"
    : mtls.clientDecidedBy
      ? `${at(mtls.clientDecidedBy)} sets TLS mode ${conn.client.mode}`
      : conn.auto
        ? conn.transport === "mtls"
          ? "the client uses auto mTLS"
          : "no DestinationRule sets TLS and auto mTLS does not apply"
        : "the client sends plaintext";
  if (!targetInMesh) return `The connection carries ${carried} (${client}).`;
  const server = mtls.modeDecidedBy ? `${conn.server.mode} from ${at(mtls.modeDecidedBy)}` : "PERMISSIVE, Istio's default";
  return `The connection carries ${carried} (${client}); the server's mTLS mode on that port is ${server}.`;
}

function describeOutcome(outcome: AuthzOutcome, source: ResolvedSource, index: ResourceIndex): string {
  const parts: string[] = [];
  for (const c of outcome.custom) {
    parts.push(`CUSTOM ${ruleName(c.policy, c.rule?.index)} sends it to the external authorizer "${c.policy.provider ?? "?"}" first; meshlint cannot know that answer and assumes it allows.`);
  }
  if (outcome.dryRun.length) parts.push(`Dry-run policies are not enforced: ${outcome.dryRun.map((p) => displayName(p.resource)).join(", ")}.`);
  switch (outcome.reason) {
    case "denied":
      parts.push(`DENY ${ruleName(outcome.decidedBy?.policy, outcome.decidedBy?.rule?.index)} matches it, so Istio denies the request.`);
      break;
    case "allowed":
      parts.push(`No DENY policy matches, and ALLOW ${ruleName(outcome.decidedBy?.policy, outcome.decidedBy?.rule?.index)} matches it, so Istio allows the request.`);
      break;
    case "no-allow-policy":
      parts.push(outcome.custom.length || outcome.dryRun.length ? "No DENY policy matches and no ALLOW policy applies to the workload, so Istio allows the request." : "No AuthorizationPolicy that applies to the workload denies it, and none allows selectively, so Istio allows the request.");
      break;
    case "no-allow-match": {
      const misses = outcome.misses.map((m) => `${located(m.policy.resource, m.path)}: ${m.why}`);
      parts.push(
        `${outcome.allowPolicies.length === 1 ? "One ALLOW policy applies" : `${outcome.allowPolicies.length} ALLOW policies apply`} to the workload and none matches the request from ${principalOf(index, source.namespace, source.serviceAccount)} (${misses.join("; ")}), so Istio denies it.`,
      );
      break;
    }
  }
  return parts.join(" ");
}

const ruleName = (policy: AuthzPolicy | undefined, rule: number | undefined): string => {
  if (!policy) return "a policy";
  return `${rule === undefined ? "" : `rule ${rule} of `}AuthorizationPolicy ${located(policy.resource, rule === undefined ? ["spec"] : ["spec", "rules", rule])}`;
};

function located(resource: Resource, path: FieldPath): string {
  const span = resource.origin.locate(path);
  return `${resource.namespace}/${resource.name}${span ? ` (${span.file}:${span.line})` : ""}`;
}

function ruleDecider(policy: AuthzPolicy, rule: number | undefined, path: FieldPath): Decider {
  return { resource: policy.resource, path, what: rule === undefined ? `${policy.action} (no rule matches)` : `${policy.action} rule ${rule}` };
}

const policiesUseHosts = (policies: readonly AuthzPolicy[]): boolean =>
  policies.some((p) => (p.rules ?? []).some((r) => (r.to ?? []).some((o) => o.fields.hosts || o.fields.notHosts)));
