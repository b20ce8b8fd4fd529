import type { LoadIssue } from "../load/load.js";
import { type Resource, annotationsOf, isLinted, refOf } from "../model/resource.js";
import type { Config, RuleSetting } from "./config.js";
import { type Diagnostic, type RelatedLocation, compareDiagnostics, fingerprint, formatPath, stableMessage } from "./diagnostic.js";
import type { RuleCatalog } from "./catalog.js";
import type { PendingReport } from "./runner.js";
import { type Rule, type Severity, codesFor, formatMessage } from "./rule.js";

/** Annotations that silence findings on the object that carries them. */
export const SUPPRESS_ANNOTATION = "meshlint.io/ignore";
const ISTIO_SUPPRESS_ANNOTATION = "galley.istio.io/analyze-suppress";
const KIALI_SUPPRESS_ANNOTATION = "kiali.io/ignore-validations";

/**
 * The severity a finding ends up with: the config's setting for the rule id wins, then for one of the message's
 * codes, then for the rule's area; otherwise the report's own severity or the rule's default. An opt-in rule that
 * neither its id nor a code names is off.
 */
export function resolveSeverity(rule: Rule, codes: readonly string[], config: Config, reported?: Severity): RuleSetting {
  const byId = config.rules[rule.meta.id];
  if (byId) return byId;
  for (const code of codes) {
    const byCode = config.rules[code];
    if (byCode) return byCode;
  }
  if (rule.meta.optIn) return "off";
  const byArea = config.rules[rule.meta.area];
  if (byArea) return byArea;
  return reported ?? rule.meta.severity;
}

/** Whether the resource's annotations silence a finding with this rule id and these codes. */
export function isSuppressed(resource: Resource, ruleId: string, codes: readonly string[]): boolean {
  const annotations = annotationsOf(resource);
  const list = (key: string) => annotations[key]?.split(",").map((s) => s.trim()).filter(Boolean);
  const own = list(SUPPRESS_ANNOTATION);
  if (own && (own.includes("*") || own.includes(ruleId) || codes.some((c) => own.includes(c)))) return true;
  const istio = list(ISTIO_SUPPRESS_ANNOTATION);
  const istioCodes = codes.filter((c) => c.startsWith("IST"));
  if (istio && istioCodes.length && (istio.includes("*") || istioCodes.some((c) => istio.includes(c)))) return true;
  const kialiValue = annotations[KIALI_SUPPRESS_ANNOTATION];
  const kialiCodes = codes.filter((c) => c.startsWith("KIA") || c === "GWAPI");
  if (kialiValue !== undefined && kialiCodes.length) {
    const kiali = list(KIALI_SUPPRESS_ANNOTATION) ?? [];
    // Kiali reads an empty value as "all validations".
    if (kiali.length === 0 || kialiCodes.some((c) => kiali.includes(c))) return true;
  }
  return false;
}

export interface Finalized {
  readonly diagnostics: Diagnostic[];
  readonly suppressed: number;
}

export function finalize(
  reports: readonly PendingReport[],
  issues: readonly LoadIssue[],
  catalog: RuleCatalog,
  config: Config,
): Finalized {
  const out: Diagnostic[] = [];
  let suppressed = 0;

  for (const { rule, report, unsure } of reports) {
    const { resource } = report;
    if (resource && !isLinted(resource)) continue;
    const template = rule.meta.messages[report.messageId] ?? report.messageId;
    const codes = codesFor(rule.meta, report.messageId);
    const setting = resolveSeverity(rule, codes, config, report.severity);
    if (setting === "off") continue;
    // A finding drawn after reading what a live cluster did not let meshlint read cannot be told apart from an
    // artefact of that gap: it is shown, but never fails a run at the default level (no config raises it again).
    const severity = unsure ? "info" : setting;
    const help = unsure ? `${report.help ? `${report.help} ` : ""}Not certain: meshlint could not read ${unsure}.` : report.help;
    if (resource && isSuppressed(resource, rule.meta.id, codes)) {
      suppressed++;
      continue;
    }
    const message = formatMessage(template, report.data);
    const path = report.path ?? ["metadata", "name"];
    const span = resource?.origin.locate(path, report.part);
    const related: RelatedLocation[] = (report.related ?? []).map((r) => {
      const relatedSpan = r.resource.origin.locate(r.path ?? ["metadata", "name"]);
      return {
        message: r.message,
        resource: refOf(r.resource),
        ...(relatedSpan ? { file: relatedSpan.file, span: relatedSpan } : {}),
      };
    });
    out.push({
      ruleId: rule.meta.id,
      messageId: report.messageId,
      severity,
      message,
      ...(help ? { help } : {}),
      codes,
      ...(resource ? { resource: refOf(resource) } : {}),
      path,
      // A rendered object's field may sit in another file than the object itself (an overlay's patch).
      ...(span?.file ? { file: span.file } : resource?.origin.file ? { file: resource.origin.file } : {}),
      ...(span ? { span } : {}),
      related,
      fingerprint: fingerprint([rule.meta.id, resource?.origin.file, resource?.id, formatPath(path), stableMessage(message)]),
    });
  }

  for (const issue of issues) {
    const rule = catalog.get(issue.ruleId);
    if (!rule) throw new Error(`the loader reported an unknown rule "${issue.ruleId}"`);
    const codes = codesFor(rule.meta, issue.messageId);
    const severity = resolveSeverity(rule, codes, config);
    if (severity === "off") continue;
    const message = formatMessage(rule.meta.messages[issue.messageId] ?? issue.messageId, issue.data);
    out.push({
      ruleId: issue.ruleId,
      messageId: issue.messageId,
      severity,
      message,
      ...(issue.help ? { help: issue.help } : {}),
      codes,
      path: [],
      file: issue.file,
      ...(issue.span ? { span: issue.span } : {}),
      related: [],
      fingerprint: fingerprint([issue.ruleId, issue.file, stableMessage(message)]),
    });
  }
  out.sort(compareDiagnostics);
  return { diagnostics: dedupe(out), suppressed };
}

/** The same finding reported twice (e.g. one host named twice in a route) is shown once. */
function dedupe(sorted: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return sorted.filter((d) => {
    const key = `${d.fingerprint}\u0000${d.span?.start ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
