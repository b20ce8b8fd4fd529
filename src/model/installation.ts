import { K, type KindKey, parseApiVersion } from "./kinds.js";
import { type JsonObject, type Origin, type Resource, deepFreeze, identity } from "./resource.js";
import type { Settings } from "./settings.js";

const INSTALLATION_ORIGIN: Origin = { kind: "installation", locate: () => undefined };

/** An object the cluster is assumed to hold although no file defines it: looked up by rules, never linted. */
export function assumedResource(apiVersion: string, kind: KindKey, namespace: string, name: string, rest: JsonObject): Resource {
  const data = deepFreeze({ apiVersion, kind: kind.kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...rest });
  const { group, version } = parseApiVersion(apiVersion);
  return {
    apiVersion,
    group,
    version,
    kind: kind.kind,
    namespace,
    name,
    namespaceWritten: true,
    data,
    origin: INSTALLATION_ORIGIN,
    id: identity(kind, namespace, name),
  };
}

export const isAssumed = (r: Resource): boolean => r.origin.kind === "installation";

/** What every Kubernetes cluster has: its own namespaces (and those the settings name) and the API server's Service. */
export function clusterProvided(settings: Settings): Resource[] {
  return [
    ...settings.installation.namespaces.map((ns) => assumedResource("v1", K.Namespace, "", ns, {})),
    assumedResource("v1", K.Service, "default", "kubernetes", {
      spec: { ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }] },
    }),
  ];
}
