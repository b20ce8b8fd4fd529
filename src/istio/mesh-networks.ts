import { type FieldPath, type JsonObject, type Resource, asArray, asObject, asString, deepFreeze, identity } from "../model/resource.js";
import type { Settings } from "../model/settings.js";

/**
 * Istio's MeshNetworks (`--mesh-networks`, or `meshNetworks` in the `istio` ConfigMap) is not a Kubernetes object,
 * so it is given a resource of its own to report on: kind `MeshNetworks`, named `meshnetworks` in the root
 * namespace, as istioctl names it. It comes from a file the loader did not read, so its findings carry no position.
 */
export const MESH_NETWORKS_KIND = Object.freeze({ group: "", kind: "MeshNetworks" });

const cache = new WeakMap<JsonObject, Resource>();

export function meshNetworksResource(settings: Settings): Resource | undefined {
  const data = settings.meshNetworks;
  if (!data) return undefined;
  let resource = cache.get(data);
  if (!resource) {
    const namespace = settings.rootNamespace;
    resource = {
      apiVersion: "v1alpha1",
      group: "",
      version: "v1alpha1",
      kind: MESH_NETWORKS_KIND.kind,
      namespace,
      name: "meshnetworks",
      namespaceWritten: true,
      data: deepFreeze({ ...data, metadata: { name: "meshnetworks", namespace } }),
      origin: { kind: "file", locate: () => undefined },
      id: identity(MESH_NETWORKS_KIND, namespace, "meshnetworks"),
    };
    cache.set(data, resource);
  }
  return resource;
}

export interface RegistryReference {
  readonly network: string;
  readonly registry: string;
  readonly path: FieldPath;
}

/** Every `networks.<name>.endpoints[i].fromRegistry` of a MeshNetworks. */
export function registryReferences(meshNetworks: JsonObject): RegistryReference[] {
  const networks = asObject(meshNetworks.networks) ?? {};
  return Object.entries(networks).flatMap(([network, value]) =>
    asArray(asObject(value)?.endpoints).flatMap((e, i) => {
      const registry = asString(asObject(e)?.fromRegistry);
      return registry === undefined ? [] : [{ network, registry, path: ["networks", network, "endpoints", i, "fromRegistry"] }];
    }),
  );
}
