import { K, type KindKey } from "../model/kinds.js";
import { type FieldPath, type Resource, asNumber, asObject, asString, byCreation, labelsOf, metadata, spec } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { type Selector, matches, selectorFromLabelSelector } from "../model/selectors.js";
import type { Workload } from "../model/workloads.js";
import { DEFAULT_POLICY_ANNOTATION, INJECTION_KINDS, configAnnotation } from "./injection.js";

// Linkerd's Server (policy.linkerd.io): which pods (or ExternalWorkloads) and which port it describes, and the
// policy that applies to a pod port no Server describes (the default inbound policy). Semantics from the policy
// controller (k8s/index/src/inbound): a named port resolves only against TCP container ports of the selected
// pods; when two Servers select one pod port, the oldest (creation time, then name) wins.

export const SERVER_KINDS: readonly KindKey[] = [K.LinkerdServer, K.ExternalWorkload, ...INJECTION_KINDS];

/** The six values of `accessPolicy` and `config.linkerd.io/default-inbound-policy`. */
export const DEFAULT_POLICIES = ["all-authenticated", "all-unauthenticated", "cluster-authenticated", "cluster-unauthenticated", "deny", "audit"] as const;
export type DefaultPolicy = (typeof DEFAULT_POLICIES)[number];
export const isDefaultPolicy = (v: string | undefined): v is DefaultPolicy => DEFAULT_POLICIES.includes(v as DefaultPolicy);
/** The install default (`proxy.defaultInboundPolicy` in the control-plane chart). */
export const INSTALL_DEFAULT_POLICY: DefaultPolicy = "all-unauthenticated";

export interface LinkerdServer {
  readonly resource: Resource;
  /** Pods (`podSelector`) or ExternalWorkloads (`externalWorkloadSelector`); undefined when neither is written. */
  readonly selects: "pods" | "external" | undefined;
  readonly selector: Selector;
  readonly selectorPath: FieldPath;
  /** A port number, or a container port name. */
  readonly port: number | string | undefined;
  /** `accessPolicy`, `deny` when unset. */
  readonly accessPolicy: string;
  readonly accessPolicyWritten: boolean;
  readonly proxyProtocol: string | undefined;
}

export function serverOf(resource: Resource): LinkerdServer {
  const s = spec(resource);
  const pods = asObject(s.podSelector);
  const external = asObject(s.externalWorkloadSelector);
  const selects = pods ? "pods" : external ? "external" : undefined;
  const rawPort = s.port;
  const port = asNumber(rawPort) ?? (typeof rawPort === "string" ? (/^\d+$/.test(rawPort) ? Number(rawPort) : rawPort) : undefined);
  const accessPolicy = asString(s.accessPolicy);
  return {
    resource,
    selects,
    selector: selectorFromLabelSelector(pods ?? external),
    selectorPath: ["spec", selects === "external" ? "externalWorkloadSelector" : "podSelector"],
    port,
    accessPolicy: accessPolicy ?? "deny",
    accessPolicyWritten: accessPolicy !== undefined,
    proxyProtocol: asString(s.proxyProtocol),
  };
}

/** Servers of a namespace, oldest first (creation time when written, then name): the first of them wins a port. */
export function serversInNamespace(index: ResourceIndex, namespace: string): readonly LinkerdServer[] {
  const table = index.memo("linkerd/servers", [K.LinkerdServer], () => {
    const byNs = new Map<string, LinkerdServer[]>();
    for (const r of index.all(K.LinkerdServer)) {
      const list = byNs.get(r.namespace) ?? [];
      list.push(serverOf(r));
      byNs.set(r.namespace, list);
    }
    for (const list of byNs.values()) list.sort((a, b) => byCreation(a.resource, b.resource));
    return byNs;
  });
  return table.get(namespace) ?? [];
}

/** The workloads whose pods a Server's `podSelector` selects (none for an ExternalWorkload selector). */
export const serverWorkloads = (index: ResourceIndex, server: LinkerdServer): readonly Workload[] =>
  server.selects === "pods" ? index.workloads().select(server.selector, server.resource.namespace) : [];

/** The ExternalWorkloads of the Server's namespace that its `externalWorkloadSelector` selects. */
export const serverExternalWorkloads = (index: ResourceIndex, server: LinkerdServer): readonly Resource[] =>
  server.selects === "external" ? index.inNamespace(K.ExternalWorkload, server.resource.namespace).filter((e) => matches(server.selector, labelsOf(e))) : [];

/**
 * The ports the injected linkerd-proxy container declares on every meshed pod (charts/partials _proxy.tpl): a Server
 * may name them, as Linkerd's own install test does for the admin port.
 */
export const PROXY_CONTAINER_PORTS: readonly { readonly name: string; readonly containerPort: number }[] = [
  { name: "linkerd-proxy", containerPort: 4143 },
  { name: "linkerd-admin", containerPort: 4191 },
];

/** The container port a Server describes on a workload's pods: the number, or the TCP container port of that name. */
export function serverPortOn(server: LinkerdServer, workload: Workload): number | undefined {
  if (typeof server.port === "number") return server.port;
  if (server.port === undefined) return undefined;
  for (const c of workload.containers) {
    const p = c.ports.find((x) => x.name === server.port && x.protocol.toUpperCase() === "TCP");
    if (p) return p.containerPort;
  }
  return PROXY_CONTAINER_PORTS.find((p) => p.name === server.port)?.containerPort;
}

/** Servers selecting a pod and describing one of its ports, the winning (oldest) one first. */
export function serversFor(index: ResourceIndex, pod: { namespace: string; labels: Readonly<Record<string, string>>; workload: Workload | undefined }, port: number): readonly LinkerdServer[] {
  return serversInNamespace(index, pod.namespace).filter((s) => {
    if (s.selects !== "pods" || !matches(s.selector, pod.labels)) return false;
    return pod.workload ? serverPortOn(s, pod.workload) === port : s.port === port;
  });
}

export interface DefaultPolicyChoice {
  readonly policy: DefaultPolicy;
  readonly from: "workload" | "namespace" | "install";
  readonly resource: Resource | undefined;
  readonly path: FieldPath | undefined;
}

/**
 * The default inbound policy of a pod: its template's `config.linkerd.io/default-inbound-policy`, else its
 * namespace's, else the install default. An invalid value is ignored (the injector logs it).
 */
export function defaultInboundPolicy(index: ResourceIndex, pod: { namespace: string; workload: Workload | undefined }): DefaultPolicyChoice {
  const w = pod.workload;
  const own = w?.annotations[DEFAULT_POLICY_ANNOTATION];
  if (w && isDefaultPolicy(own)) return { policy: own, from: "workload", resource: w.resource, path: [...w.templatePath, "metadata", "annotations", DEFAULT_POLICY_ANNOTATION] };
  const ns = index.namespaces().declared(pod.namespace);
  const nsValue = ns ? asString(asObject(metadata(ns).annotations)?.[DEFAULT_POLICY_ANNOTATION]) : undefined;
  if (ns && isDefaultPolicy(nsValue)) return { policy: nsValue, from: "namespace", resource: ns, path: ["metadata", "annotations", DEFAULT_POLICY_ANNOTATION] };
  return { policy: INSTALL_DEFAULT_POLICY, from: "install", resource: undefined, path: undefined };
}

/** Whether a workload or its namespace carries the default-inbound-policy annotation at all (valid or not). */
export const defaultPolicyAnnotation = (index: ResourceIndex, w: Workload) => configAnnotation(index, w, DEFAULT_POLICY_ANNOTATION);
