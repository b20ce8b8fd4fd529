import { ClusterError, type KubeClient } from "./kube-client.js";

/** A kind as the rules name it: API group and kind, without a version. */
export interface ApiKind {
  readonly group: string;
  readonly kind: string;
}

/** How the API server serves a kind. */
export interface ServedKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The resource name in URLs (`virtualservices`). */
  readonly plural: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
}

export const apiKindId = (k: ApiKind): string => (k.group ? `${k.group}/${k.kind}` : k.kind);

/**
 * Asks the API server which of `kinds` it serves, at the group's preferred version (kubectl's choice). Only the
 * groups of those kinds are queried. A kind the server does not serve (Linkerd not installed) is simply absent.
 */
export async function discoverKinds(client: KubeClient, kinds: readonly ApiKind[], signal: AbortSignal): Promise<Map<string, ServedKind>> {
  const wanted = new Map(kinds.map((k) => [apiKindId(k), k]));
  const groups = new Set(kinds.map((k) => k.group));
  const versions: { group: string; version: string }[] = [];
  if (groups.has("")) versions.push({ group: "", version: "v1" });
  const apis = await client.request("GET", "/apis", { signal });
  if (apis.status !== 200) throw new ClusterError(`cannot list the API groups of ${client.server}: HTTP ${apis.status} ${apis.text.slice(0, 200)}`);
  for (const g of arrayOf(objectOf(apis.json)?.groups)) {
    const group = objectOf(g);
    const name = stringOf(group?.name);
    if (name === undefined || !groups.has(name)) continue;
    const preferred = stringOf(objectOf(group?.preferredVersion)?.version);
    // Every served version is asked, preferred first: a kind may live only in an older version of its group.
    const all = arrayOf(group?.versions).map((v) => stringOf(objectOf(v)?.version)).filter((v): v is string => v !== undefined);
    for (const version of [...new Set([...(preferred ? [preferred] : []), ...all])]) versions.push({ group: name, version });
  }
  const lists = await Promise.all(
    versions.map(async ({ group, version }) => {
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      const res = await client.request("GET", path, { signal });
      // A group version that went away between the two requests, or an aggregated API that is down, is skipped.
      return { group, version, resources: res.status === 200 ? arrayOf(objectOf(res.json)?.resources) : [] };
    }),
  );
  const out = new Map<string, ServedKind>();
  for (const { group, version, resources } of lists) {
    for (const r of resources) {
      const res = objectOf(r);
      const plural = stringOf(res?.name);
      const kind = stringOf(res?.kind);
      if (!plural || !kind || plural.includes("/")) continue;
      const id = apiKindId({ group, kind });
      if (!wanted.has(id) || out.has(id)) continue;
      const verbs = arrayOf(res?.verbs).filter((v): v is string => typeof v === "string");
      out.set(id, { group, version, kind, plural, namespaced: res?.namespaced === true, verbs });
    }
  }
  return out;
}

export const objectOf = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
export const arrayOf = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
export const stringOf = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
