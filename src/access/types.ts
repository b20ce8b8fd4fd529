import type { IstioProtocol } from "../istio/protocols.js";
import type { FieldPath, Resource } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import type { Workload } from "../model/workloads.js";

// "Can A call B?" answered from a repository, independently of the mesh: a request names a caller (namespace and
// service account) and a target (a Service or a workload, and a port); an AccessEngine for the mesh that runs the
// target decides, naming what decided. Istio's engine is in istio/authz-engine.ts; a Linkerd engine (Server,
// AuthorizationPolicy, MeshTLSAuthentication, default inbound policy) plugs in beside it through ACCESS_ENGINES.

export interface AccessSourceRef {
  readonly namespace: string;
  readonly serviceAccount: string;
}

export interface AccessTargetRef {
  readonly namespace: string;
  readonly name: string;
  readonly port: number | undefined;
  /** A port named instead of numbered (`shop/reviews:http`): the Service's port name, or a container port's. */
  readonly portName?: string;
  /** The target written as a host (`reviews.shop.svc.cluster.local`): the Service it names. */
  readonly host?: { readonly text: string; readonly namespace: string; readonly name: string };
}

export interface AccessRequest {
  readonly from: AccessSourceRef;
  readonly to: AccessTargetRef;
  /** HTTP method (default GET) and path (default `/`); ignored on TCP ports. */
  readonly method?: string | undefined;
  readonly path?: string | undefined;
  /** The Host header; by default any name the target Service is called by. */
  readonly host?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** A wrong `--from`/`--to`, or a source or target the repository does not hold. */
export class AccessError extends Error {
  constructor(
    message: string,
    /** Which end of the request is wrong. */
    readonly part: "source" | "target",
  ) {
    super(message);
  }
}

export interface ResolvedSource extends AccessSourceRef {
  /** Workloads that run as this service account (may be empty when only the ServiceAccount is declared). */
  readonly workloads: readonly Workload[];
  /** Whether the caller has a sidecar (or is in ambient mode), as far as the repository tells. */
  readonly inMesh: boolean;
  /** Its identity in the mesh (`<trust domain>/ns/<namespace>/sa/<name>`). */
  readonly principal: string;
}

/** One pod behind the target, with the container port the request reaches. */
export interface Backend {
  /** The workload; undefined when the repository holds none, and the pod is known by the Service's selector only. */
  readonly workload: Workload | undefined;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly containerPort: number | undefined;
  readonly protocol: IstioProtocol;
}

export interface ResolvedTarget {
  readonly kind: "Service" | "workload";
  readonly resource: Resource;
  readonly namespace: string;
  readonly name: string;
  /** The Service port called (for a workload target: the container port). */
  readonly port: number | undefined;
  readonly backends: readonly Backend[];
  /** Host header values a caller may send: the Service's names, with and without the port. */
  readonly hosts: readonly string[];
  /** The FQDN the DestinationRule lookup uses, for a Service target. */
  readonly fqdn: string | undefined;
}

/** What decided: a policy (and rule) or an mTLS setting, with the field that decided. */
export interface Decider {
  readonly resource: Resource;
  readonly path: FieldPath;
  /** `ALLOW rule 0`, `DENY rule 2`, `STRICT mTLS`, … */
  readonly what: string;
}

export interface MtlsSummary {
  /** The server's mode on the target port. */
  readonly mode: "STRICT" | "PERMISSIVE" | "DISABLE" | "NONE";
  readonly modeDecidedBy: Decider | undefined;
  /** `ISTIO_MUTUAL`, `DISABLE`, `SIMPLE`, `MUTUAL` from a DestinationRule, `auto` or `none` (no client sidecar). */
  readonly client: string;
  readonly clientDecidedBy: Decider | undefined;
  readonly transport: "mtls" | "plaintext" | "tls";
}

export interface BackendDecision {
  readonly backend: Backend;
  readonly decision: "allow" | "deny";
  /** Where it was decided: the connection (mTLS), the authorization policies, or nowhere (nothing enforces). */
  readonly stage: "transport" | "authorization" | "unenforced";
  readonly decidedBy: Decider | undefined;
  readonly mtls: MtlsSummary;
  /** One paragraph, in the manner of `istioctl x authz check`. */
  readonly explanation: string;
  readonly notes: readonly string[];
}

export interface AccessDecision {
  readonly engine: string;
  readonly request: AccessRequest;
  readonly source: ResolvedSource;
  readonly target: ResolvedTarget;
  /** Allow only when every backend allows. */
  readonly decision: "allow" | "deny";
  readonly decidedBy: Decider | undefined;
  readonly mtls: MtlsSummary;
  readonly backends: readonly BackendDecision[];
  readonly explanation: string;
  readonly notes: readonly string[];
}

/** A mesh's authorization semantics. */
export interface AccessEngine {
  readonly name: string;
  /** Whether this engine governs traffic to the target (the mesh its backends run in). */
  handles(index: ResourceIndex, target: ResolvedTarget): boolean;
  decide(index: ResourceIndex, request: AccessRequest, source: ResolvedSource, target: ResolvedTarget, backend: Backend): BackendDecision;
  /** The caller as this mesh sees it (its identity, whether it runs a proxy of this mesh); unchanged when absent. */
  refineSource?(index: ResourceIndex, source: ResolvedSource): ResolvedSource;
}
