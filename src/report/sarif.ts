import { pathToFileURL } from "node:url";
import { type Diagnostic, type RelatedLocation, formatPath } from "../engine/diagnostic.js";
import type { RuleCatalog } from "../engine/catalog.js";
import type { Rule, Severity } from "../engine/rule.js";
import type { FieldPath, ResourceRef, SourceSpan } from "../model/resource.js";
import { REPOSITORY_URL, ruleDocUrl } from "./docs-url.js";
import { resourceKey } from "./locations.js";
import type { Reporter } from "./reporter.js";

/** The schema GitHub's documentation names; `version` must be exactly "2.1.0". */
export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
/** The key of meshlint's own fingerprint in `partialFingerprints` (stable across line moves). */
export const FINGERPRINT_KEY = "meshlintFingerprint/v1";
const SRCROOT = "%SRCROOT%";
const MAX_TEXT = 1024;

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

type Json = Record<string, unknown>;

/**
 * SARIF 2.1.0, shaped for GitHub code scanning: every rule that has results, with id, short and full description, help (text and
 * markdown from the rule's doc) and helpUri; every result with ruleId/ruleIndex, level, message, a physical
 * location with a full region (1-based, UTF-16 columns, end column exclusive), related locations, the resource as
 * a logical location, and meshlint's line-independent fingerprint.
 */
export const sarif: Reporter = (result, env) => `${JSON.stringify(sarifLog(result.diagnostics, env.catalog, env.version, env.cwd), null, 2)}\n`;

export function sarifLog(diagnostics: readonly Diagnostic[], catalog: RuleCatalog, version: string, cwd?: string): Json {
  // The rules that have results, as GitHub code scanning expects: every rule's documentation made a log of 8 results
  // weigh 657 KB.
  const reported = new Set(diagnostics.map((d) => d.ruleId));
  const rules = catalog.rules.filter((r) => reported.has(r.meta.id)).sort((a, b) => (a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0));
  const ruleIndex = new Map(rules.map((r, i) => [r.meta.id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "meshlint",
            version,
            semanticVersion: version,
            informationUri: REPOSITORY_URL,
            rules: rules.map((r) => descriptor(r, catalog)),
          },
        },
        invocations: [
          {
            executionSuccessful: !diagnostics.some((d) => d.ruleId === "internal-error"),
            ...(cwd ? { workingDirectory: { uri: folderUri(cwd) } } : {}),
          },
        ],
        ...(cwd ? { originalUriBaseIds: { [SRCROOT]: { uri: folderUri(cwd) } } } : {}),
        columnKind: "utf16CodeUnits",
        results: diagnostics.map((d) => resultOf(d, ruleIndex.get(d.ruleId))),
      },
    ],
  };
}

function descriptor(rule: Rule, catalog: RuleCatalog): Json {
  const { meta } = rule;
  const url = ruleDocUrl(meta);
  const doc = catalog.doc(meta.id);
  const body = doc?.replace(/^# .*\n+/, "").trim();
  const codes = (meta.aliases ?? []).map((a) => a.code);
  return {
    id: meta.id,
    name: meta.id,
    shortDescription: { text: clip(meta.description) },
    fullDescription: { text: clip(whatItDoes(doc) ?? meta.description) },
    help: {
      text: `${meta.description}\n\nDocumentation: ${url}`,
      markdown: `${body ?? meta.description}\n\n[Documentation](${url})`,
    },
    helpUri: url,
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: {
      tags: ["meshlint", meta.area, meta.category, ...codes].slice(0, 20),
      precision: "high",
      ...(codes.length ? { aliases: (meta.aliases ?? []).map((a) => ({ tool: a.tool, code: a.code, match: a.match })) } : {}),
    },
  };
}

function resultOf(d: Diagnostic, index: number | undefined): Json {
  const related = d.related.map((r, i) => relatedLocation(r, i + 1)).filter((r): r is Json => r !== undefined);
  return {
    ruleId: d.ruleId,
    ...(index !== undefined ? { ruleIndex: index } : {}),
    level: LEVEL[d.severity],
    message: { text: d.help ? `${d.message} ${d.help}` : d.message },
    locations: [location(d.file, d.span, d.resource, d.path)],
    partialFingerprints: { [FINGERPRINT_KEY]: d.fingerprint },
    ...(related.length ? { relatedLocations: related } : {}),
    ...(d.codes.length ? { properties: { codes: d.codes } } : {}),
  };
}

function relatedLocation(r: RelatedLocation, id: number): Json | undefined {
  if (r.file === undefined && !r.resource) return undefined;
  return { id, ...location(r.file, r.span, r.resource, undefined), message: { text: r.message } };
}

function location(file: string | undefined, span: SourceSpan | undefined, resource: ResourceRef | undefined, path: FieldPath | undefined): Json {
  const logical = resource
    ? [
        {
          name: resource.name,
          fullyQualifiedName: resourceKey(resource),
          kind: "resource",
          ...(path?.length ? { decoratedName: `${resourceKey(resource)}#${formatPath(path)}` } : {}),
        },
      ]
    : undefined;
  return {
    ...(file !== undefined
      ? {
          physicalLocation: {
            artifactLocation: { uri: fileUri(file), uriBaseId: SRCROOT },
            // Code scanning wants a region on every result; a finding about a whole file points at its start.
            region: span
              ? { startLine: span.line, startColumn: span.column, endLine: span.endLine, endColumn: span.endColumn }
              : { startLine: 1, startColumn: 1 },
          },
        }
      : {}),
    ...(logical ? { logicalLocations: logical } : {}),
  };
}

/** A displayed path (relative, `/`-separated) as a relative URI reference. */
function fileUri(file: string): string {
  return file.split("/").map(encodeURIComponent).join("/");
}

function folderUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith("/") ? href : `${href}/`;
}

/** The first paragraph under the doc's "## What it does". */
function whatItDoes(doc: string | undefined): string | undefined {
  const section = doc && /^## What it does\s*\n+([\s\S]*?)(?:\n\s*\n|\n## |$)/m.exec(doc);
  return section ? section[1]?.replace(/\s*\n\s*/g, " ").trim() || undefined : undefined;
}

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}
