import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { type Bundle, type CrdDefinition, crdFromManifest } from "../src/schema/crd.js";
import { BUNDLE_FILES } from "../src/schema/bundles.js";
import { PACKAGE_ROOT } from "../src/base/package.js";
import type { JsonObject } from "../src/model/resource.js";

// `npm run gen:schemas [CRD_DIR]`: turns the upstream CRDs (default ../shared/crds, laid out as its README says)
// into the JSON Schema bundles committed under schemas/crds/. Run it when a pinned version changes.

const crdDir = resolve(process.argv[2] ?? join(PACKAGE_ROOT, "..", "shared", "crds"));
if (!existsSync(crdDir)) throw new Error(`no CRD folder at ${crdDir}; pass it as the first argument`);

function crdsIn(files: readonly string[], source: string): CrdDefinition[] {
  const out: CrdDefinition[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(crdDir, file), "utf8"))) {
      const data = doc.toJS() as JsonObject | null;
      if (data?.kind !== "CustomResourceDefinition") continue;
      const crd = crdFromManifest(data, source);
      if (crd) out.push(crd);
    }
  }
  return out;
}

const yamlFiles = (dir: string): string[] =>
  readdirSync(join(crdDir, dir), { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile() && f.name.endsWith(".yaml"))
    .map((f) => relative(crdDir, join(f.parentPath, f.name)))
    .sort();

/** linkerd-smi's TrafficSplit (v1alpha1, v1alpha2 served) wins over smi-sdk-go's, where it does not serve them. */
function mergeSmi(): CrdDefinition[] {
  const sdk = crdsIn(["smi/split.smi-spec.io_trafficsplits.yaml", "smi/specs.smi-spec.io_httproutegroups.yaml"], "smi");
  const linkerdSmi = crdsIn(["smi/linkerd-smi_trafficsplit-crd.yaml"], "smi")[0];
  return sdk.map((crd) => {
    if (crd.kind !== "TrafficSplit" || !linkerdSmi) return crd;
    const own = new Set(linkerdSmi.versions.map((v) => v.name));
    return { ...crd, versions: [...linkerdSmi.versions.map((v) => ({ ...v, storage: false })), ...crd.versions.filter((v) => !own.has(v.name))] };
  });
}

const linkerdFiles = yamlFiles("linkerd/rendered");
const bundles: Record<keyof typeof BUNDLE_FILES, Bundle> = {
  istio: {
    name: "istio-1.30.3",
    description: "Istio 1.30.3 (manifests/charts/base/files/crd-all.gen.yaml)",
    crds: crdsIn(["istio/crd-all.gen.1.30.3.yaml"], "istio-1.30.3"),
  },
  "istio-master": {
    name: "istio-master",
    description: "Istio master of 2026-08-22 (86c9f01f): used only to tell fields of newer Istio from mistakes",
    crds: crdsIn(["istio/crd-all.gen.master.yaml"], "istio-master"),
  },
  "gateway-api-standard": {
    name: "gateway-api-v1.6.1-standard",
    description: "Gateway API v1.6.1, standard channel",
    crds: crdsIn(yamlFiles("gateway-api/standard"), "gateway-api-v1.6.1-standard"),
  },
  "gateway-api-experimental": {
    name: "gateway-api-v1.6.1-experimental",
    description: "Gateway API v1.6.1, experimental channel",
    crds: crdsIn(yamlFiles("gateway-api/experimental"), "gateway-api-v1.6.1-experimental"),
  },
  "gateway-api-linkerd": {
    name: "gateway-api-v1.1.1-linkerd",
    description: "Gateway API v1.1.1 (experimental channel), as bundled by Linkerd edge-26.8.3",
    crds: crdsIn(linkerdFiles.filter((f) => f.includes("gateway.networking.k8s.io")), "gateway-api-v1.1.1-linkerd"),
  },
  linkerd: {
    name: "linkerd-edge-26.8.3",
    description: "Linkerd edge-26.8.3 (linkerd-crds and linkerd-multicluster charts)",
    crds: crdsIn(linkerdFiles.filter((f) => !f.includes("gateway.networking.k8s.io")), "linkerd-edge-26.8.3"),
  },
  smi: {
    name: "smi",
    description: "SMI TrafficSplit (linkerd-smi v0.2.7 v1alpha1/v1alpha2, smi-sdk-go v1alpha4) and HTTPRouteGroup",
    crds: mergeSmi(),
  },
};

mkdirSync(join(PACKAGE_ROOT, "schemas", "crds"), { recursive: true });
for (const [key, bundle] of Object.entries(bundles)) {
  const file = join(PACKAGE_ROOT, "schemas", "crds", BUNDLE_FILES[key as keyof typeof BUNDLE_FILES]);
  writeFileSync(file, `${JSON.stringify(bundle)}\n`);
  const kinds = bundle.crds.map((c) => `${c.kind}(${c.versions.map((v) => v.name + (v.served ? "" : "!")).join(",")})`);
  console.log(`${file}: ${bundle.crds.length} CRDs: ${kinds.join(" ")}`);
}
