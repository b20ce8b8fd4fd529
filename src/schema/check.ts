import { createHash } from "node:crypto";
import { K, kindId } from "../model/kinds.js";
import { type FieldPath, type JsonObject, type Resource, isLinted } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { METADATA_SCHEMA } from "./convert.js";
import type { CrdDefinition, CrdVersion } from "./crd.js";
import { SchemaRegistry, type VersionLookup, experimentalChannelOnly } from "./registry.js";
import { type SchemaProblem, type SkippedRule, schemaAt, validateAgainstSchema } from "./validate.js";

export interface SchemaReport {
  readonly lookup: VersionLookup;
  readonly problems: readonly SchemaProblem[];
  readonly skipped: readonly SkippedRule[];
}


/** The registry of served CRDs for this run (bundles, `--crds`, and the repository's own CRDs). */
export const schemaRegistry = (index: ResourceIndex): SchemaRegistry =>
  index.memo("schema/registry", [K.CustomResourceDefinition], () => {
    const crds = index.all(K.CustomResourceDefinition);
    const served = crds.filter((r) => r.origin.kind === "crds");
    return new SchemaRegistry(index.settings, served, crds.filter(isLinted), usesLinkerd(index), experimentalInUse(index));
  });

// Unions rather than facts: a change asks only the changed objects, not every object of the index.
const usesLinkerd = (index: ResourceIndex) =>
  index.union("schema:uses-linkerd", [], (r) => (r.group === "linkerd.io" || r.group.endsWith(".linkerd.io") ? [r.group] : [])).size > 0;

const experimentalInUse = (index: ResourceIndex) =>
  index.union("schema:gateway-api-experimental-in-use", [], (r) =>
    isLinted(r) && r.group.startsWith("gateway.networking.") && experimentalChannelOnly(r.group, r.kind, r.version) ? [kindId(r)] : [],
  ).size > 0;

/** What --cache keeps of a schema report: the lookup is found again (it is cheap, and holds whole definitions). */
export interface StoredSchemaReport {
  readonly problems: readonly SchemaProblem[];
  readonly skipped: readonly SkippedRule[];
}

/**
 * A digest of everything a schema report depends on besides the resource itself: the Gateway API channel and
 * bundle settings, every CRD of the index (bundled ones change only with meshlint's version), and the facts that
 * pick the bundles. Reports kept under another digest are not reused.
 */
export function schemaInputsKey(index: ResourceIndex): string {
  const hash = createHash("sha256");
  const { gatewayApiChannel, gatewayApiBundle } = index.settings;
  hash.update(JSON.stringify([gatewayApiChannel ?? null, gatewayApiBundle ?? null]));
  for (const crd of index.all(K.CustomResourceDefinition)) {
    hash.update(JSON.stringify([crd.origin.kind, crd.origin.file ?? null, isLinted(crd), crd.data]));
  }
  hash.update(JSON.stringify([usesLinkerd(index), experimentalInUse(index)]));
  return hash.digest("hex");
}

/** Gives resources the reports an earlier run kept (see schemaInputsKey), so that they are not validated again. */
export function seedSchemaReports(index: ResourceIndex, stored: ReadonlyMap<Resource, StoredSchemaReport>): void {
  if (stored.size === 0) return;
  const registry = schemaRegistry(index);
  const reports = reportsOf(index);
  for (const [resource, kept] of stored) {
    reports.set(resource, { lookup: registry.lookup(resource.group, resource.kind, resource.version), problems: kept.problems, skipped: kept.skipped });
  }
}

/** The report of a resource if this run made one (for --cache to keep). */
export function madeSchemaReport(index: ResourceIndex, resource: Resource): StoredSchemaReport | undefined {
  const report = reportsOf(index).get(resource);
  return report && { problems: report.problems, skipped: report.skipped };
}

// Kept per object (objects never change); a new registry (the CRDs changed) starts a new cache.
const reportsOf = (index: ResourceIndex) =>
  index.memo("schema/reports", [K.CustomResourceDefinition], () => (schemaRegistry(index), new WeakMap<Resource, SchemaReport>()));

/**
 * Validates a resource once per run, whichever rule asks first: schema-invalid, validation-rule-failed and the
 * API version rules all read this one result.
 */
export function schemaReport(index: ResourceIndex, resource: Resource): SchemaReport {
  const registry = schemaRegistry(index);
  const reports = reportsOf(index);
  let report = reports.get(resource);
  if (!report) {
    report = build(registry, resource);
    reports.set(resource, report);
  }
  return report;
}

function build(registry: SchemaRegistry, resource: Resource): SchemaReport {
  const lookup = registry.lookup(resource.group, resource.kind, resource.version);
  if (lookup.status === "ok") {
    const validate = registry.validator(lookup.version);
    if (!validate || !lookup.version.schema) return { lookup, problems: [], skipped: [] };
    const result = validateAgainstSchema(validatedData(resource, lookup.version), lookup.version.schema, validate);
    return { lookup, problems: markNewer(registry, lookup.crd, resource, result.problems), skipped: result.skipped };
  }
  if (lookup.status === "unknown-group") {
    // Kinds without a CRD here (core kinds, other operators' kinds): only ObjectMeta is checked.
    return { lookup, ...validateAgainstSchema(resource.data, METADATA_SCHEMA, registry.metadataValidator()) };
  }
  return { lookup, problems: [], skipped: [] };
}

/**
 * What the apiserver validates of a manifest: with the status subresource, a `status` written in it is dropped on
 * create and update (a manifest saved from `kubectl get -o yaml`, or a generator's `status: {}`, applies as is).
 */
function validatedData(resource: Resource, version: CrdVersion): JsonObject {
  if (!version.statusSubresource || !("status" in resource.data)) return resource.data;
  const rest: Record<string, JsonObject[string]> = {};
  for (const [k, v] of Object.entries(resource.data)) if (k !== "status") rest[k] = v;
  return rest;
}

/** Marks the problems that the newer release of the CRD (if any) does not have. */
function markNewer(registry: SchemaRegistry, crd: CrdDefinition, resource: Resource, problems: readonly SchemaProblem[]): readonly SchemaProblem[] {
  if (problems.length === 0) return problems;
  const newer = registry.newerDefinition(crd);
  const version = newer?.versions.find((v) => v.name === resource.version && v.served);
  const validate = version && registry.validator(version);
  if (!newer || !version?.schema || !validate) return problems;
  const stillWrong = new Set(validateAgainstSchema(validatedData(resource, version), version.schema, validate).problems.map((p) => `${p.kind} ${JSON.stringify(p.path)}`));
  return problems.map((p) => (stillWrong.has(`${p.kind} ${JSON.stringify(p.path)}`) ? p : { ...p, acceptedBy: newer.source }));
}

/** Whether the Gateway API experimental channel's schema of this kind and version knows a field. */
export function inExperimentalChannel(index: ResourceIndex, resource: Resource, field: FieldPath): boolean {
  const experimental = schemaRegistry(index).experimentalDefinition(resource.group, resource.kind);
  const schema = experimental?.versions.find((v) => v.name === resource.version)?.schema;
  return schema !== undefined && schemaAt(schema, field) !== undefined;
}
