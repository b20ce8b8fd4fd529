import { K, type KindKey } from "../model/kinds.js";
import { type FieldPath, type Resource, asArray, asObject, asString, spec } from "../model/resource.js";

// BackendTLSPolicy (Gateway API v1): `targetRefs` name Services of the policy's namespace (implementations may take
// other kinds: Istio takes ServiceEntries), a `sectionName` names one of the target's ports by name;
// `validation.caCertificateRefs` name ConfigMaps of the policy's namespace holding the CA bundle under `ca.crt`.

/** A local reference with the core group written `core` read as `""`. */
export interface LocalRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly path: FieldPath;
}

export interface BackendTLSTarget extends LocalRef {
  readonly sectionName: string | undefined;
  /** The kind meshlint resolves it to (Service, or Istio's ServiceEntry); undefined for other kinds. */
  readonly resolvesTo: KindKey | undefined;
}

const coreGroup = (g: string | undefined): string => (g === undefined || g === "core" ? "" : g);

function localRef(value: unknown, path: FieldPath): LocalRef | undefined {
  const o = asObject(value);
  const name = asString(o?.name);
  const kind = asString(o?.kind);
  return o && name && kind ? { group: coreGroup(asString(o.group)), kind, name, path } : undefined;
}

export function backendTLSTargets(policy: Resource): BackendTLSTarget[] {
  return asArray(spec(policy).targetRefs).flatMap((value, i) => {
    const ref = localRef(value, ["spec", "targetRefs", i]);
    if (!ref) return [];
    const resolvesTo =
      ref.group === "" && ref.kind === "Service" ? K.Service : ref.group === K.ServiceEntry.group && ref.kind === "ServiceEntry" ? K.ServiceEntry : undefined;
    return [{ ...ref, sectionName: asString(asObject(value)?.sectionName) || undefined, resolvesTo }];
  });
}

/** `validation.caCertificateRefs` that name ConfigMaps (the Core kind); other kinds are implementation-specific. */
export function caConfigMapRefs(policy: Resource): LocalRef[] {
  return asArray(asObject(spec(policy).validation)?.caCertificateRefs).flatMap((value, i) => {
    const ref = localRef(value, ["spec", "validation", "caCertificateRefs", i]);
    return ref && ref.group === "" && ref.kind === "ConfigMap" ? [ref] : [];
  });
}

/** Port names of a Service or ServiceEntry. */
export const portNames = (r: Resource): string[] =>
  asArray(spec(r).ports).flatMap((p) => {
    const name = asString(asObject(p)?.name);
    return name ? [name] : [];
  });
