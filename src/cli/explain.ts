import type { RuleCatalog } from "../engine/catalog.js";
import { isCode } from "../engine/catalog.js";
import type { Rule } from "../engine/rule.js";

/** The documentation of a rule, or of every rule that carries an istioctl/Kiali code. */
export function explain(catalog: RuleCatalog, topic: string): string | undefined {
  const rules: readonly Rule[] = isCode(topic) ? catalog.withCode(topic) : [catalog.get(topic)].filter((r): r is Rule => !!r);
  if (rules.length === 0) return undefined;
  const intro = isCode(topic) ? `${topic.toUpperCase()} is covered by ${rules.length} rule(s):\n\n` : "";
  return intro + rules.map((r) => describe(catalog, r)).join("\n---\n\n");
}

function describe(catalog: RuleCatalog, rule: Rule): string {
  const { meta } = rule;
  const aliases = (meta.aliases ?? []).map((a) => `${a.code} (${a.tool}, ${a.match})`).join(", ");
  const head = [
    `${meta.id}  [${meta.area}, ${meta.category}, default ${meta.optIn ? `off, ${meta.severity} when turned on` : meta.severity}]`,
    meta.description,
    aliases ? `Codes: ${aliases}` : "",
  ].filter(Boolean);
  const doc = catalog.doc(meta.id);
  return `${head.join("\n")}\n\n${doc ? doc.replace(/^# .*\n+/, "") : ""}`.trimEnd() + "\n";
}
