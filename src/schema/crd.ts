import { type JsonObject, asArray, asObject, asString } from "../model/resource.js";
import { type SchemaNode, convertCrdSchema } from "./convert.js";

export interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly storage: boolean;
  readonly deprecated?: boolean;
  readonly deprecationWarning?: string;
  /**
   * The version has the status subresource: the apiserver drops a `status` written in a manifest on create and
   * update (only controllers write it, through /status), so it is never validated.
   */
  readonly statusSubresource?: boolean;
  /** The converted JSON Schema (see convert.ts); absent when the CRD declares none. */
  readonly schema?: SchemaNode;
}

/** One kind as a CRD defines it, with where the definition came from. */
export interface CrdDefinition {
  readonly group: string;
  readonly kind: string;
  readonly scope: "Namespaced" | "Cluster";
  readonly versions: readonly CrdVersion[];
  /** A bundle (`gateway-api-v1.6.1-standard`) or a file of the user's (`crds/widgets.yaml`). */
  readonly source: string;
}

/** A set of CRDs shipped together, as committed under schemas/crds/. */
export interface Bundle {
  readonly name: string;
  readonly description: string;
  readonly crds: readonly CrdDefinition[];
}

/** Reads a CustomResourceDefinition manifest (apiextensions.k8s.io/v1, or v1beta1's single `validation`). */
export function crdFromManifest(data: JsonObject, source: string): CrdDefinition | undefined {
  const spec = asObject(data.spec);
  const group = asString(spec?.group);
  const kind = asString(asObject(spec?.names)?.kind);
  if (!spec || !group || !kind) return undefined;
  const legacySchema = asObject(asObject(spec.validation)?.openAPIV3Schema);
  const versions = asArray(spec.versions).flatMap((v): CrdVersion[] => {
    const version = asObject(v);
    const name = asString(version?.name);
    if (!version || !name) return [];
    const raw = asObject(asObject(version.schema)?.openAPIV3Schema) ?? legacySchema;
    const warning = asString(version.deprecationWarning);
    return [
      {
        name,
        served: version.served !== false,
        storage: version.storage === true,
        ...(version.deprecated === true ? { deprecated: true } : {}),
        ...(warning ? { deprecationWarning: warning } : {}),
        ...(asObject(asObject(version.subresources ?? spec.subresources)?.status) ? { statusSubresource: true } : {}),
        ...(raw ? { schema: convertCrdSchema(raw) } : {}),
      },
    ];
  });
  if (versions.length === 0 && asString(spec.version)) {
    versions.push({
      name: asString(spec.version) as string,
      served: true,
      storage: true,
      ...(asObject(asObject(spec.subresources)?.status) ? { statusSubresource: true } : {}),
      ...(legacySchema ? { schema: convertCrdSchema(legacySchema) } : {}),
    });
  }
  return { group, kind, scope: spec.scope === "Cluster" ? "Cluster" : "Namespaced", versions, source };
}
