import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../base/package.js";
import type { Bundle } from "./crd.js";

/** The bundles committed under schemas/crds/ by `npm run gen:schemas`. */
export const BUNDLE_FILES = {
  istio: "istio-1.30.3.json",
  "istio-master": "istio-master.json",
  "gateway-api-standard": "gateway-api-v1.6.1-standard.json",
  "gateway-api-experimental": "gateway-api-v1.6.1-experimental.json",
  "gateway-api-linkerd": "gateway-api-v1.1.1-linkerd.json",
  linkerd: "linkerd-edge-26.8.3.json",
  smi: "smi.json",
} as const;

export type BundleKey = keyof typeof BUNDLE_FILES;

const loaded = new Map<BundleKey, Bundle>();

/** Reads a bundled set of CRDs (once per process). */
export function bundle(key: BundleKey): Bundle {
  let b = loaded.get(key);
  if (!b) {
    b = JSON.parse(readFileSync(join(PACKAGE_ROOT, "schemas", "crds", BUNDLE_FILES[key]), "utf8")) as Bundle;
    loaded.set(key, b);
  }
  return b;
}
