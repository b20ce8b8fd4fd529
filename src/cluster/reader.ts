import { setMaxListeners } from "node:events";
import type { RawResource } from "../load/load.js";
import type { JsonObject } from "../base/json.js";
import type { Origin } from "../load/origin.js";
import { deepFreeze } from "../base/json.js";
import { type ApiKind, type ServedKind, apiKindId, arrayOf, discoverKinds, objectOf, stringOf } from "./discovery.js";
import { ClusterError, type KubeClient } from "./kube-client.js";

/** Where objects read from a cluster come from: no file, so reporters show kind, namespace, name and field path. */
export const CLUSTER_ORIGIN: Origin = Object.freeze({ kind: "cluster", locate: () => undefined });

/** What to read, and how far. */
export interface ReadScope {
  /** Namespaces to read namespaced kinds from; undefined: all namespaces. */
  readonly namespaces?: readonly string[];
  /** Istio's root namespace, where the mesh ConfigMaps live. */
  readonly rootNamespace: string;
  /** Time for the whole read. */
  readonly timeoutMs?: number;
}

/** What became of each kind. */
export type KindStatus =
  | {
      readonly status: "read";
      readonly count: number;
      readonly scope: "cluster" | readonly string[];
      /** Namespaces of the scope the kind could not be read in (a namespaced Role grants some only), with why. */
      readonly denied?: readonly { readonly namespace: string; readonly reason: string }[];
    }
  | { readonly status: "absent" }
  | { readonly status: "forbidden"; readonly reason: string }
  | { readonly status: "failed"; readonly reason: string };

export interface ClusterSnapshot {
  readonly resources: readonly RawResource[];
  /** By kind id (`networking.istio.io/VirtualService`). */
  readonly kinds: ReadonlyMap<string, KindStatus>;
  /** How each served kind is addressed (for the watcher). */
  readonly served: ReadonlyMap<string, ServedKind>;
}

/** ConfigMaps are never listed: only these, in the root namespace, are read (Istio's mesh config and injector). */
export const MESH_CONFIG_MAPS = ["istio", "istio-sidecar-injector"] as const;

/** Kinds whose objects are pod templates; one owned by another (a ReplicaSet of a Deployment) is its owner's copy. */
const WORKLOAD_KINDS = new Set(["apps/Deployment", "apps/StatefulSet", "apps/DaemonSet", "apps/ReplicaSet", "ReplicationController", "batch/Job", "batch/CronJob", "argoproj.io/Rollout", "Pod"]);

const PAGE = 500;

/**
 * Reads exactly the kinds the enabled rules read, once: discovery, an access check per kind (SelfSubjectAccessReview,
 * in parallel), then paginated LISTs. ConfigMaps are read by name (the mesh's), Secrets as metadata only. Kinds the
 * server does not serve are absent (not an error); kinds that cannot be read are reported, so that the rules that
 * need them are skipped rather than run on a partial picture.
 */
export async function readCluster(client: KubeClient, kinds: readonly ApiKind[], scope: ReadScope): Promise<ClusterSnapshot> {
  const signal = AbortSignal.timeout(scope.timeoutMs ?? 60_000);
  // Every request of the read listens to this one signal.
  setMaxListeners(0, signal);
  try {
    const served = await discoverKinds(client, kinds, signal);
    const statuses = new Map<string, KindStatus>();
    const resources: RawResource[] = [];
    await Promise.all(
      kinds.map(async (k) => {
        const id = apiKindId(k);
        const s = served.get(id);
        if (!s || !s.verbs.includes("list")) {
          statuses.set(id, { status: "absent" });
          return;
        }
        const status = await readKind(client, s, scope, signal, resources);
        statuses.set(id, status);
      }),
    );
    resources.sort(byIdentity);
    return { resources, kinds: statuses, served };
  } catch (error) {
    if (signal.aborted) throw new ClusterError(`reading the cluster ${client.server} took longer than ${Math.round((scope.timeoutMs ?? 60_000) / 1000)} s`);
    throw error;
  }
}

/** `wideDenied`: why a cluster-wide LIST was refused although the access review allowed it (then each namespace is tried). */
async function readKind(client: KubeClient, s: ServedKind, scope: ReadScope, signal: AbortSignal, out: RawResource[], wideDenied?: string): Promise<KindStatus> {
  const id = apiKindId(s);
  if (id === "ConfigMap") {
    for (const name of MESH_CONFIG_MAPS) {
      const res = await client.request("GET", `${collectionPath(s, scope.rootNamespace)}/${name}`, { signal });
      if (res.status === 200) {
        const raw = toRaw(res.json, s);
        if (raw) out.push(raw);
      } else if (res.status === 403) return { status: "forbidden", reason: `cannot get configmaps "${name}" in namespace "${scope.rootNamespace}"` };
    }
    return { status: "read", count: out.length, scope: [scope.rootNamespace] };
  }
  // With namespaces named, a kind is still read in all of them when that is allowed: objects of the named
  // namespaces refer to others (a VirtualService to a Gateway in another namespace), and one not read would be
  // reported missing. Where the whole kind may not be listed it is read in each named namespace that allows it (a
  // namespaced Role); the others are named as denied, so that what rests on them is known to be unknown.
  const everywhere = wideDenied ? { ok: false as const, reason: wideDenied } : await canList(client, s, undefined, signal, "list");
  const denied: { namespace: string; reason: string }[] = [];
  let targets: (string | undefined)[] = [undefined];
  if (!everywhere.ok) {
    if (!s.namespaced || !scope.namespaces) return { status: "forbidden", reason: everywhere.reason };
    targets = [];
    for (const ns of scope.namespaces) {
      const allowed = await canList(client, s, ns, signal, "list");
      if (allowed.ok) targets.push(ns);
      else denied.push({ namespace: ns, reason: allowed.reason });
    }
    if (!targets.length) return { status: "forbidden", reason: denied.map((d) => d.reason).join("; ") };
  }
  const objects: RawResource[] = [];
  // Secrets: names and labels only (PartialObjectMetadata); their data is never read.
  const accept = id === "Secret" ? "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json" : undefined;
  for (const ns of targets) {
    const inNamespace: RawResource[] = [];
    let token: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(PAGE), ...(token ? { continue: token } : {}) });
      const res = await client.request("GET", `${collectionPath(s, ns)}?${query}`, { signal, ...(accept ? { accept } : {}) });
      if (res.status === 403) {
        const reason = `cannot list ${s.plural}.${s.group || "core"}${ns ? ` in namespace "${ns}"` : ""}: ${messageOf(res)}`;
        // The access review said yes but the LIST says no (no right to ask, or a webhook authorizer): as if denied.
        if (ns === undefined) {
          // Without the right to ask (access reviews answered as allowed), a namespaced Role shows only here.
          if (s.namespaced && scope.namespaces && !wideDenied) return readKind(client, s, scope, signal, out, reason);
          return { status: "forbidden", reason };
        }
        denied.push({ namespace: ns, reason });
        inNamespace.length = 0;
        break;
      }
      if (res.status === 410 && token) {
        // The continue token expired mid-list: start this namespace again.
        token = undefined;
        inNamespace.length = 0;
        continue;
      }
      if (res.status !== 200) return { status: "failed", reason: `HTTP ${res.status} listing ${s.plural}: ${messageOf(res)}` };
      const list = objectOf(res.json);
      for (const item of arrayOf(list?.items)) {
        const raw = toRaw(item, s);
        if (raw && !ownedByWorkload(raw, id)) inNamespace.push(raw);
      }
      token = stringOf(objectOf(list?.metadata)?.continue) || undefined;
    } while (token);
    objects.push(...inNamespace);
  }
  // Kinds are read in parallel into one list: a kind's objects join it only once the kind is read.
  out.push(...objects);
  const count = objects.length;
  const read = targets.filter((ns): ns is string => ns !== undefined && !denied.some((d) => d.namespace === ns));
  if (targets[0] === undefined) return { status: "read", count, scope: "cluster" };
  if (!read.length) return { status: "forbidden", reason: denied.map((d) => d.reason).join("; ") };
  return { status: "read", count, scope: read, ...(denied.length ? { denied } : {}) };
}

/**
 * Whether the caller may `verb` (list, watch) a kind, asked with a SelfSubjectAccessReview. With `name`, for that
 * object only (a list or watch with a `metadata.name` field selector, which a Role's `resourceNames` can grant).
 */
export async function canList(
  client: KubeClient,
  s: ServedKind,
  namespace: string | undefined,
  signal: AbortSignal,
  verb: "list" | "watch",
  name?: string,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const review = {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    spec: { resourceAttributes: { verb, group: s.group, resource: s.plural, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) } },
  };
  const res = await client.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", { body: review, signal });
  // Without the right to ask, the LIST itself will tell.
  if (res.status !== 201 && res.status !== 200) return { ok: true };
  const status = objectOf(objectOf(res.json)?.status);
  if (status?.allowed === true) return { ok: true };
  const where = namespace ? ` in namespace "${namespace}"` : " in all namespaces";
  return { ok: false, reason: `cannot ${verb} ${s.plural}.${s.group || "core"}${name ? ` "${name}"` : ""}${where}${stringOf(status?.reason) ? ` (${stringOf(status?.reason)})` : ""}` };
}

export function collectionPath(s: ServedKind, namespace: string | undefined): string {
  const base = s.group ? `/apis/${s.group}/${s.version}` : `/api/${s.version}`;
  return s.namespaced && namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${s.plural}` : `${base}/${s.plural}`;
}

/**
 * A listed object as a manifest: apiVersion and kind filled in (lists leave them out), and what no rule reads
 * (managedFields, kubectl's last-applied copy) dropped to keep the index small.
 */
export function toRaw(item: unknown, s: ServedKind): RawResource | undefined {
  const obj = objectOf(item);
  if (!obj) return undefined;
  const apiVersion = s.group ? `${s.group}/${s.version}` : s.version;
  const metadata = { ...(objectOf(obj.metadata) ?? {}) };
  delete metadata.managedFields;
  const annotations = objectOf(metadata.annotations);
  if (annotations && "kubectl.kubernetes.io/last-applied-configuration" in annotations) {
    const rest = { ...annotations };
    delete rest["kubectl.kubernetes.io/last-applied-configuration"];
    metadata.annotations = rest;
  }
  const data = deepFreeze({ ...obj, apiVersion, kind: s.kind, metadata }) as unknown as JsonObject;
  return { apiVersion, kind: s.kind, data, origin: CLUSTER_ORIGIN };
}

/** A Pod of a ReplicaSet, a ReplicaSet of a Deployment, a Job of a CronJob: its owner's template already stands for it. */
export function ownedByWorkload(raw: RawResource, id: string): boolean {
  if (!WORKLOAD_KINDS.has(id)) return false;
  return arrayOf(objectOf(raw.data.metadata)?.ownerReferences).some((ref) => {
    const owner = objectOf(ref);
    if (owner?.controller !== true) return false;
    const group = (stringOf(owner.apiVersion) ?? "").split("/").slice(0, -1).join("/");
    return WORKLOAD_KINDS.has(group ? `${group}/${stringOf(owner.kind)}` : `${stringOf(owner.kind)}`);
  });
}

function messageOf(res: { json: unknown; text: string }): string {
  return stringOf(objectOf(res.json)?.message) ?? res.text.slice(0, 200).trim();
}

function byIdentity(a: RawResource, b: RawResource): number {
  const key = (r: RawResource) => `${r.apiVersion}/${r.kind}/${stringOf(objectOf(r.data.metadata)?.namespace) ?? ""}/${stringOf(objectOf(r.data.metadata)?.name) ?? ""}`;
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
