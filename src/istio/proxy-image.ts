import { parse } from "yaml";
import { K } from "../model/kinds.js";
import { asObject, asString, asStringMap, isObject, spec } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { matches, selectorFromLabels } from "../model/selectors.js";
import type { Workload } from "../model/workloads.js";

/**
 * The proxy image each injector ConfigMap (`istio-sidecar-injector[-<rev>]`, by name) injects: `global.proxy.image`
 * from its `values` JSON when that names a full image, else `<global.hub>/<global.proxy.image>:<global.tag>`.
 */
export function injectorProxyImages(index: ResourceIndex): ReadonlyMap<string, string> {
  return index.memo("istio/injector-proxy-images", [K.ConfigMap], () => {
    const out = new Map<string, string>();
    for (const cm of index.all(K.ConfigMap)) {
      if (!cm.name.startsWith("istio-sidecar-injector")) continue;
      const values = parseJson(asString(asObject(cm.data.data)?.values));
      const global = asObject(values?.global);
      const image = asString(asObject(global?.proxy)?.image);
      if (!image) continue;
      out.set(cm.name, image.includes("/") ? image : `${asString(global?.hub) ?? ""}/${image}:${asString(global?.tag) ?? ""}`);
    }
    return out;
  });
}

/**
 * The proxy image type (`distroless`, `debug`; "" for the default) a workload gets: mesh config
 * `defaultConfig.image.imageType`, overridden by a ProxyConfig in the root namespace, then one in the workload's
 * namespace without selector, then one whose selector matches it, then its `proxy.istio.io/config` annotation.
 */
export function proxyImageType(index: ResourceIndex, workload: Workload): string {
  let type = imageTypeOf(asObject(index.settings.meshConfig.defaultConfig));
  const configs = [
    ...index.inNamespace(K.ProxyConfig, index.settings.rootNamespace),
    ...index.inNamespace(K.ProxyConfig, workload.namespace).filter((p) => !asObject(spec(p).selector)),
    ...index.inNamespace(K.ProxyConfig, workload.namespace).filter((p) => {
      const labels = asStringMap(asObject(spec(p).selector)?.matchLabels);
      return labels !== undefined && matches(selectorFromLabels(labels), workload.labels);
    }),
  ];
  for (const pc of configs) type = imageTypeOf(spec(pc)) || type;
  const annotation = workload.annotations["proxy.istio.io/config"];
  if (annotation) {
    try {
      const doc: unknown = parse(annotation);
      if (isObject(doc)) type = imageTypeOf(doc) || type;
    } catch {
      // an unreadable annotation is annotation-invalid's finding
    }
  }
  return type === "default" ? "" : type;
}

const imageTypeOf = (config: unknown): string => asString(asObject(asObject(config)?.image)?.imageType) ?? "";

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
