import type { AccessEngine, AccessRequest, Backend, BackendDecision, Decider, MtlsSummary, ResolvedSource, ResolvedTarget } from "./types.js";
import { describeBackend } from "./text.js";
import { re2Matches } from "../base/re2.js";
import { trimCharEnd } from "../base/text.js";
import { inMesh as istioInMesh } from "../istio/injection.js";
import { K, type KindKey } from "../model/kinds.js";
import { type FieldPath, type Resource, asArray, asObject, asString, displayName, spec } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import {
  AUTHORIZATION_KINDS,
  type Caller,
  type Verdict,
  evaluateAuthorizationPolicy,
  evaluateServerAuthorization,
  identityOf,
  policyTargetRef,
  resolvePolicyTarget,
  routesOfServer,
  serverAuthorizationServers,
} from "../linkerd/authorization.js";
import { linkerdMeshing, namespaceMeshed, skippedInbound } from "../linkerd/injection.js";
import { type DefaultPolicy, type LinkerdServer, defaultInboundPolicy, isDefaultPolicy, serversFor } from "../linkerd/servers.js";

// Linkerd's answer to "can A call B?" (policy controller, k8s/index/src/inbound): on a meshed pod's port, the
// Server that selects it (the oldest when several do) decides; its AuthorizationPolicies (targeting the Server,
// its namespace, or a route attached to it) and ServerAuthorizations admit callers, else its `accessPolicy`
// (default `deny`) applies. A port no Server describes follows the default inbound policy (pod annotation, else
// namespace annotation, else the install default `all-unauthenticated`).

/** Every kind the Linkerd engine reads; the engine records all of them on every decision. */
export const LINKERD_ACCESS_KINDS: readonly KindKey[] = [...new Set([...AUTHORIZATION_KINDS])];

const LINKERD_POLICY_KINDS = [K.LinkerdServer, K.LinkerdServerAuthorization, K.LinkerdAuthorizationPolicy];

export const linkerdAccessEngine: AccessEngine = {
  name: "linkerd",
  handles: handlesLinkerd,
  decide: decideLinkerd,
  refineSource: (index, source) => ({ ...source, inMesh: callerMeshed(index, source, []), principal: identityOf(source.namespace, source.serviceAccount) }),
};

/**
 * Linkerd decides when a backend is meshed by Linkerd, or when the repository does not say how its pods are meshed,
 * their namespace holds Linkerd Servers or authorizations, and Istio does not claim the pods.
 */
function handlesLinkerd(index: ResourceIndex, target: ResolvedTarget): boolean {
  // Namespaces holding Linkerd policy objects: pods there of unknown injection are taken to be Linkerd's.
  const policed = index.memo("linkerd/access-namespaces", LINKERD_ACCESS_KINDS, () => new Set(LINKERD_POLICY_KINDS.flatMap((k) => index.all(k).map((r) => r.namespace))));
  return target.backends.some((b) => {
    const meshed = b.workload ? linkerdMeshing(index, b.workload).meshed : namespaceMeshed(index, b.namespace);
    if (meshed !== undefined) return meshed;
    return policed.has(b.namespace) && !(b.workload && istioInMesh(index, b.workload, { revisions: true }));
  });
}

interface Ctx {
  readonly index: ResourceIndex;
  readonly request: AccessRequest;
  readonly caller: Caller;
  readonly backend: Backend;
  readonly notes: string[];
}

function decideLinkerd(index: ResourceIndex, request: AccessRequest, source: ResolvedSource, target: ResolvedTarget, backend: Backend): BackendDecision {
  const notes: string[] = [];
  const caller: Caller = { namespace: source.namespace, serviceAccount: source.serviceAccount, meshed: callerMeshed(index, source, notes) };
  const ctx: Ctx = { index, request, caller, backend, notes };
  const port = backend.containerPort;
  const asked = `A request from ${source.namespace}/sa/${source.serviceAccount} to ${describeBackend(target, backend)}`;
  const targetMeshing = backend.workload ? linkerdMeshing(index, backend.workload) : undefined;
  const targetMeshed = targetMeshing ? targetMeshing.meshed : namespaceMeshed(index, backend.namespace);
  if (targetMeshed === undefined) notes.push(`The target is taken to be meshed by Linkerd: ${targetMeshing?.reason ?? "the repository does not say whether its pods are injected"}.`);
  const client = caller.meshed ? "auto" : "none";

  if (targetMeshed === false) {
    const mtls: MtlsSummary = { mode: "NONE", modeDecidedBy: undefined, client, clientDecidedBy: undefined, transport: "plaintext" };
    const decidedBy = targetMeshing?.resource && targetMeshing.path ? { resource: targetMeshing.resource, path: targetMeshing.path, what: "not injected" } : undefined;
    return { backend, decision: "allow", stage: "unenforced", decidedBy, mtls, notes, explanation: `${asked}: allowed. The target has no Linkerd proxy (${targetMeshing?.reason ?? "its namespace is not injected"}), so no Linkerd policy applies.` };
  }
  const skipped = backend.workload && port !== undefined ? skippedInbound(index, backend.workload, port) : undefined;
  if (skipped) {
    const mtls: MtlsSummary = { mode: "NONE", modeDecidedBy: undefined, client, clientDecidedBy: undefined, transport: "plaintext" };
    const decidedBy = { resource: skipped.resource, path: skipped.path, what: "skip-inbound-ports" };
    return { backend, decision: "allow", stage: "unenforced", decidedBy, mtls, notes, explanation: `${asked}: allowed. Port ${port} is listed in config.linkerd.io/skip-inbound-ports ("${skipped.value}"), so the traffic bypasses the proxy and no Linkerd policy applies.` };
  }
  if (port === undefined) notes.push("The container port is unknown: no Server can be matched, so the default inbound policy is used.");
  const servers = port === undefined ? [] : serversFor(index, { namespace: backend.namespace, labels: backend.labels, workload: backend.workload }, port);
  const server = servers[0];
  if (servers.length > 1) {
    notes.push(`${servers.length} Servers select this pod port (${servers.map((s) => s.resource.name).join(", ")}); Linkerd uses the oldest, taken here as ${server?.resource.name} (creation time, then name).`);
  }
  return server ? decideWithServer(ctx, asked, server) : decideByDefault(ctx, asked);
}

/** The caller's Linkerd proxy: any of its workloads injected; unknown counts as meshed, with a note. */
function callerMeshed(index: ResourceIndex, source: ResolvedSource, notes: string[]): boolean {
  const states = source.workloads.map((w) => linkerdMeshing(index, w));
  if (states.some((s) => s.meshed === true)) return true;
  if (states.length && states.every((s) => s.meshed === false)) return false;
  const ns = states.length ? undefined : namespaceMeshed(index, source.namespace);
  if (ns !== undefined) return ns;
  notes.push(`The caller is taken to be meshed by Linkerd: ${states[0]?.reason ?? "the repository does not say whether its pods are injected"}.`);
  return true;
}

function decideWithServer(ctx: Ctx, asked: string, server: LinkerdServer): BackendDecision {
  const { index, caller, notes } = ctx;
  const s = server.resource;
  const routes = routesOfServer(index, s);
  const matchedRoutes = routes.filter((r) => routeMatches(r, ctx));
  if (routes.length && !matchedRoutes.length) {
    const mtls = summary(ctx, requiresIdentity(server.accessPolicy), { resource: s, path: ["metadata", "name"], what: "Server" });
    const decidedBy = routes[0] ? { resource: routes[0], path: ["spec", "rules"], what: "no route matches" } : undefined;
    return deny(ctx, "authorization", decidedBy, mtls, `${asked}: denied. ${serverText(server)} has routes attached (${routes.map((r) => r.name).join(", ")}) and none matches ${requestText(ctx)}, so Linkerd refuses it (404).`);
  }
  const verdicts: { auth: Resource; verdict: Verdict }[] = [];
  for (const ap of index.inNamespace(K.LinkerdAuthorizationPolicy, s.namespace)) {
    const ref = policyTargetRef(ap);
    if (!ref) continue;
    const t = resolvePolicyTarget(index, ref);
    const applies =
      (t.kind === "Server" && t.server?.name === s.name && ref.namespace === s.namespace) ||
      (t.kind === "Namespace" && t.namespace === s.namespace) ||
      (t.kind === "route" && t.route !== undefined && matchedRoutes.includes(t.route));
    if (applies) verdicts.push({ auth: ap, verdict: evaluateAuthorizationPolicy(index, ap, caller) });
  }
  for (const sa of index.inNamespace(K.LinkerdServerAuthorization, s.namespace)) {
    if (serverAuthorizationServers(index, sa).servers.some((x) => x.resource === s)) verdicts.push({ auth: sa, verdict: evaluateServerAuthorization(sa, caller) });
  }
  for (const v of verdicts) notes.push(...v.verdict.notes);
  const strict = requiresIdentity(server.accessPolicy) && verdicts.every((v) => !admitsUnauthenticated(v.auth));
  const mtls = summary(ctx, strict, { resource: s, path: ["spec", server.accessPolicyWritten ? "accessPolicy" : "port"], what: `Server (accessPolicy ${server.accessPolicy})` });
  const allowed = verdicts.find((v) => v.verdict.allowed);
  if (allowed) {
    const r = allowed.verdict.resource;
    const decidedBy = { resource: r, path: allowed.verdict.path, what: "admits the caller" };
    return allow(ctx, decidedBy, mtls, `${asked}: allowed. ${serverText(server)} describes the port, and ${displayName(r)} admits the caller: ${allowed.verdict.why}.`);
  }
  const failed = verdicts.map((v) => `${displayName(v.verdict.resource)}: ${v.verdict.why}`);
  const none = verdicts.length ? `no authorization admits the caller (${failed.join("; ")})` : "no AuthorizationPolicy or ServerAuthorization targets it";
  const policyPath: FieldPath = ["spec", server.accessPolicyWritten ? "accessPolicy" : "port"];
  if (!isDefaultPolicy(server.accessPolicy)) {
    notes.push(`accessPolicy "${server.accessPolicy}" is not a value Linkerd knows; the webhook rejects it, and it is read as deny here.`);
  }
  const policy: DefaultPolicy = isDefaultPolicy(server.accessPolicy) ? server.accessPolicy : "deny";
  const outcome = applyPolicy(policy, caller, notes);
  const first = verdicts[0]?.verdict;
  const decidedBy: Decider =
    outcome || !first ? { resource: s, path: policyPath, what: `accessPolicy ${policy}` } : { resource: first.resource, path: first.path, what: "does not admit the caller" };
  const text = `${asked}: ${outcome ? "allowed" : "denied"}. ${serverText(server)} describes the port and ${none}, so its accessPolicy ${server.accessPolicyWritten ? `"${policy}"` : `(default "deny")`} ${outcome ? "admits" : "refuses"} it.`;
  return outcome ? allow(ctx, decidedBy, mtls, text) : deny(ctx, "authorization", decidedBy, mtls, text);
}

function decideByDefault(ctx: Ctx, asked: string): BackendDecision {
  const { index, backend, notes } = ctx;
  const choice = defaultInboundPolicy(index, { namespace: backend.namespace, workload: backend.workload });
  const decider: Decider | undefined = choice.resource && choice.path ? { resource: choice.resource, path: choice.path, what: `default-inbound-policy ${choice.policy}` } : undefined;
  const mtls = summary(ctx, requiresIdentity(choice.policy), decider);
  const outcome = applyPolicy(choice.policy, ctx.caller, notes);
  const where = choice.from === "install" ? `the install default "${choice.policy}"` : `"${choice.policy}" from the ${choice.from === "workload" ? "pod template" : "namespace"} annotation config.linkerd.io/default-inbound-policy`;
  const text = `${asked}: ${outcome ? "allowed" : "denied"}. No Server describes the port, so the default inbound policy applies: ${where}, which ${outcome ? "admits" : "refuses"} ${ctx.caller.meshed ? "a meshed caller" : "a caller without a Linkerd proxy"}.`;
  return outcome ? allow(ctx, decider, mtls, text) : deny(ctx, "authorization", decider, mtls, text);
}

/** A default policy (or Server accessPolicy) for a caller in the repository, which runs inside the cluster networks. */
function applyPolicy(policy: DefaultPolicy, caller: Caller, notes: string[]): boolean {
  switch (policy) {
    case "all-unauthenticated":
      return true;
    case "cluster-unauthenticated":
      notes.push("cluster-* policies admit callers from the cluster networks; callers in the repository are taken to be inside them.");
      return true;
    case "all-authenticated":
      return caller.meshed;
    case "cluster-authenticated":
      notes.push("cluster-* policies admit callers from the cluster networks; callers in the repository are taken to be inside them.");
      return caller.meshed;
    case "audit":
      notes.push("audit: Linkerd allows the request and logs that it would have been denied.");
      return true;
    case "deny":
      return false;
  }
}

const requiresIdentity = (policy: string): boolean => policy !== "all-unauthenticated" && policy !== "cluster-unauthenticated" && policy !== "audit";

/** Whether an authorization admits callers without a mesh identity (networks only, no authentication, unauthenticated). */
function admitsUnauthenticated(r: Resource): boolean {
  if (r.kind === "ServerAuthorization") return asObject(spec(r).client)?.unauthenticated === true;
  const refs = asArray(spec(r).requiredAuthenticationRefs).map((v) => asString(asObject(v)?.kind));
  return !refs.includes("MeshTLSAuthentication") && !refs.includes("ServiceAccount");
}

function summary(ctx: Ctx, strict: boolean, decider: Decider | undefined): MtlsSummary {
  const { caller, notes } = ctx;
  notes.push(
    strict
      ? "Linkerd proxies use mutual TLS between meshed pods automatically; this port admits only authenticated (meshed) callers, the equivalent of STRICT."
      : "Linkerd proxies use mutual TLS between meshed pods automatically; this port also admits plaintext callers, the equivalent of PERMISSIVE.",
  );
  return {
    mode: strict ? "STRICT" : "PERMISSIVE",
    modeDecidedBy: decider,
    client: caller.meshed ? "auto" : "none",
    clientDecidedBy: undefined,
    transport: caller.meshed ? "mtls" : "plaintext",
  };
}

const allow = (ctx: Ctx, decidedBy: Decider | undefined, mtls: MtlsSummary, explanation: string): BackendDecision => ({
  backend: ctx.backend,
  decision: "allow",
  stage: "authorization",
  decidedBy,
  mtls,
  notes: ctx.notes,
  explanation,
});

const deny = (ctx: Ctx, stage: "authorization", decidedBy: Decider | undefined, mtls: MtlsSummary, explanation: string): BackendDecision => ({
  backend: ctx.backend,
  decision: "deny",
  stage,
  decidedBy,
  mtls,
  notes: ctx.notes,
  explanation,
});

const serverText = (server: LinkerdServer): string => {
  const span = server.resource.origin.locate(["metadata", "name"]);
  return `Server ${server.resource.namespace}/${server.resource.name}${span ? ` (${span.file}:${span.line})` : ""}`;
};

const requestText = (ctx: Ctx): string => `${(ctx.request.method ?? "GET").toUpperCase()} ${ctx.request.path ?? "/"}`;

/** HTTPRoute matches by path (Exact, PathPrefix, RegularExpression) and method; a GRPCRoute is taken to match. */
function routeMatches(route: Resource, ctx: Ctx): boolean {
  if (route.kind === "GRPCRoute") {
    ctx.notes.push(`GRPCRoute ${route.namespace}/${route.name} is taken to match the call (gRPC methods are not compared).`);
    return true;
  }
  const method = (ctx.request.method ?? "GET").toUpperCase();
  const path = ctx.request.path ?? "/";
  const rules = asArray(spec(route).rules);
  if (!rules.length) return true;
  return rules.some((rule) => {
    const matches = asArray(asObject(rule)?.matches);
    if (!matches.length) return true;
    return matches.some((m) => {
      const o = asObject(m) ?? {};
      const wantMethod = asString(o.method);
      if (wantMethod && wantMethod.toUpperCase() !== method) return false;
      const p = asObject(o.path);
      const value = asString(p?.value) ?? "/";
      switch (asString(p?.type) ?? "PathPrefix") {
        case "Exact":
          return path === value;
        case "RegularExpression":
          // Linkerd runs Rust's regex crate: linear time, RE2's syntax.
          try {
            return re2Matches(path, `^(?:${value})$`);
          } catch {
            return false;
          }
        default: {
          const prefix = trimCharEnd(value, "/");
          return prefix === "" || path === prefix || path.startsWith(`${prefix}/`);
        }
      }
    });
  });
}

