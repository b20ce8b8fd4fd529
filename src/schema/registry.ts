import { Ajv, type ValidateFunction } from "ajv";
import { re2Pattern } from "../base/re2.js";
import type { Resource } from "../model/resource.js";
import type { Settings } from "../model/settings.js";
import { type BundleKey, bundle } from "./bundles.js";
import { METADATA_SCHEMA } from "./convert.js";
import { type CrdDefinition, type CrdVersion, crdFromManifest } from "./crd.js";
import { KUBERNETES_FORMATS } from "./formats.js";
import { AJV_OPTIONS, precompiledValidator } from "./precompiled.js";

/** Which definition a kind/version resolves to, or why none does. */
export type VersionLookup =
  | {
      readonly status: "ok";
      readonly crd: CrdDefinition;
      readonly version: CrdVersion;
      /** Set when only Linkerd's bundled Gateway API CRDs serve it, and the repository uses Linkerd. */
      readonly servedBy?: "linkerd-bundle";
      /** The active definition that does not serve it (for messages), when servedBy is set. */
      readonly active?: CrdDefinition;
    }
  | { readonly status: "not-served"; readonly crd: CrdDefinition; readonly experimental: CrdDefinition | undefined }
  | { readonly status: "unknown-kind"; readonly group: string; readonly source: string; readonly experimental: CrdDefinition | undefined }
  | { readonly status: "unknown-group" };

const key = (group: string, kind: string) => `${group}/${kind}`;

/**
 * One ajv for the process, and compiled validators kept per CRD version object: the bundled versions are read
 * once per process, so a language server or a test suite that lints many times compiles each schema once.
 * Versions from user CRDs are new objects per run and are dropped with them (weak keys).
 */
let sharedAjv: Ajv | undefined;
const compiled = new WeakMap<CrdVersion, ValidateFunction>();
let metadataValidate: ValidateFunction | undefined;

function ajv(): Ajv {
  if (!sharedAjv) {
    // CRD patterns run on RE2, as in the apiserver: JavaScript's backtracking engine takes exponential time on
    // patterns such as Gateway API's header value `^[!-~]+([\t ]?[!-~]+)*$`.
    sharedAjv = new Ajv({ ...AJV_OPTIONS, code: { regExp: re2Pattern } });
    for (const [name, check] of Object.entries(KUBERNETES_FORMATS)) sharedAjv.addFormat(name, check);
  }
  return sharedAjv;
}

let experimentalOnlyVersions: Set<string> | undefined;

/** Whether only Gateway API's experimental channel serves this kind and version (TCPRoute, TLSRoute v1alpha2, XMesh...). */
export function experimentalChannelOnly(group: string, kind: string, version: string): boolean {
  if (!experimentalOnlyVersions) {
    const served = (b: BundleKey) => bundle(b).crds.flatMap((crd) => crd.versions.filter((v) => v.served).map((v) => `${crd.group}/${crd.kind}/${v.name}`));
    const standard = new Set(served("gateway-api-standard"));
    experimentalOnlyVersions = new Set(served("gateway-api-experimental").filter((k) => !standard.has(k)));
  }
  return experimentalOnlyVersions.has(`${group}/${kind}/${version}`);
}

/**
 * The CRDs a cluster would serve: the bundles pinned in schemas/crds (Istio, Linkerd, SMI, and Gateway API in the
 * channel asked for), overridden per kind by the user's own CRDs (`--crds`) and then by CRDs in the linted
 * repository, so validation follows exactly what the user's cluster serves.
 */
export class SchemaRegistry {
  private readonly byKind = new Map<string, CrdDefinition>();
  private readonly groupSource = new Map<string, string>();
  private readonly experimental = new Map<string, CrdDefinition>();
  private readonly newer = new Map<string, CrdDefinition>();
  /** Linkerd's Gateway API v1.1.1 route CRDs, consulted when the repository uses Linkerd (see lookup). */
  private readonly linkerdBundle = new Map<string, CrdDefinition>();

  /**
   * `experimentalInUse`: the repository holds Gateway API kinds or versions only the experimental channel serves,
   * which decides the channel when the settings do not name one.
   */
  constructor(settings: Settings, servedCrds: readonly Resource[], repoCrds: readonly Resource[], usesLinkerd: boolean, experimentalInUse = false) {
    const channel = settings.gatewayApiChannel ?? (experimentalInUse ? "experimental" : "standard");
    const gatewayApi: BundleKey = channel === "experimental" ? "gateway-api-experimental" : "gateway-api-standard";
    const layers: BundleKey[] = ["istio", "linkerd", "smi", gatewayApi];
    if (settings.gatewayApiBundle === "linkerd") layers.push("gateway-api-linkerd");
    for (const layer of layers) for (const crd of bundle(layer).crds) this.add(crd);
    if (settings.gatewayApiBundle === "auto" && usesLinkerd) {
      for (const crd of bundle("gateway-api-linkerd").crds) this.linkerdBundle.set(key(crd.group, crd.kind), crd);
    }
    if (gatewayApi === "gateway-api-standard") {
      for (const crd of bundle("gateway-api-experimental").crds) this.experimental.set(key(crd.group, crd.kind), crd);
    }
    for (const crd of bundle("istio-master").crds) this.newer.set(key(crd.group, crd.kind), crd);
    for (const r of [...servedCrds, ...repoCrds]) {
      // A CRD whose schema cannot be compiled (`type: intger`, a pattern RE2 refuses) is a finding on the CRD
      // (schema-invalid), and the definition it would replace (a bundled one, or none) stays in force: its objects
      // are not judged by a schema the apiserver would have refused to install.
      let crd: CrdDefinition | undefined;
      try {
        crd = crdFromManifest(r.data, r.origin.file ?? "the repository");
        for (const version of crd?.versions ?? []) this.validator(version);
      } catch (error) {
        this.rejected.set(r, schemaError((error as Error).message));
        continue;
      }
      if (crd) this.add(crd);
    }
  }

  /** CRDs of the repository or of --crds that could not be used, with why. */
  readonly rejected = new Map<Resource, string>();

  private add(crd: CrdDefinition): void {
    this.byKind.set(key(crd.group, crd.kind), crd);
    this.groupSource.set(crd.group, crd.source);
  }

  /** The served version of a kind, if any, in the active bundles and user CRDs. */
  lookup(apiGroup: string, kind: string, version: string): VersionLookup {
    const crd = this.byKind.get(key(apiGroup, kind));
    const experimental = this.experimental.get(key(apiGroup, kind));
    if (!crd) {
      const source = this.groupSource.get(apiGroup) ?? (experimental ? "the standard channel of Gateway API" : undefined);
      return source ? { status: "unknown-kind", group: apiGroup, source, experimental } : { status: "unknown-group" };
    }
    const found = crd.versions.find((v) => v.name === version && v.served);
    if (found) return { status: "ok", crd, version: found };
    // A Linkerd cluster may run the Gateway API CRDs Linkerd bundles (v1.1.1), which still serve versions that
    // upstream v1.6.1 dropped or keeps experimental; accept them there, with a warning (api-version-not-served).
    const fromLinkerd = this.linkerdBundle.get(key(apiGroup, kind));
    const linkerdVersion = fromLinkerd?.versions.find((v) => v.name === version && v.served);
    if (fromLinkerd && linkerdVersion) return { status: "ok", crd: fromLinkerd, version: linkerdVersion, servedBy: "linkerd-bundle", active: crd };
    return { status: "not-served", crd, experimental };
  }

  /** The Gateway API experimental channel's definition of a kind, for messages under the standard channel. */
  experimentalDefinition(apiGroup: string, kind: string): CrdDefinition | undefined {
    return this.experimental.get(key(apiGroup, kind));
  }

  /** For kinds without a CRD (core kinds, unknown groups): checks ObjectMeta, e.g. that labels are strings. */
  metadataValidator(): ValidateFunction {
    metadataValidate ??= precompiledValidator(METADATA_SCHEMA) ?? ajv().compile(METADATA_SCHEMA);
    return metadataValidate;
  }

  /**
   * The same kind in a newer release than the pinned one (Istio master beside 1.30.3), when the active
   * definition is the bundled one: what it accepts and the pinned release rejects is a version gap, not a typo.
   */
  newerDefinition(crd: CrdDefinition): CrdDefinition | undefined {
    const newer = this.newer.get(key(crd.group, crd.kind));
    return newer && crd.source === "istio-1.30.3" ? newer : undefined;
  }

  /** A version's validator: generated at build time for bundled schemas, else compiled once, on first use. */
  validator(version: CrdVersion): ValidateFunction | undefined {
    if (!version.schema) return undefined;
    let validate = compiled.get(version);
    if (!validate) {
      validate = precompiledValidator(version.schema) ?? ajv().compile(version.schema);
      compiled.set(version, validate);
    }
    return validate;
  }
}

/** ajv's "schema is invalid: data/properties/spec/type must be …, …" as the first problem, at its place in the CRD. */
function schemaError(message: string): string {
  const first = message.replace(/^schema is invalid: /, "").split(", ")[0] ?? message;
  return first.replace(/^data(\/|\b)/, "openAPIV3Schema.").replaceAll("/", ".").replace(/\.\s/, " ");
}
