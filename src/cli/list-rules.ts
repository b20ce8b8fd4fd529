import type { RuleCatalog } from "../engine/catalog.js";

export function listRules(catalog: RuleCatalog, format: "stylish" | "json" | "markdown"): string {
  const rules = [...catalog.rules].sort((a, b) => (a.meta.area + a.meta.id).localeCompare(b.meta.area + b.meta.id));
  if (format === "json") {
    return `${JSON.stringify(
      rules.map(({ meta }) => ({
        id: meta.id,
        area: meta.area,
        category: meta.category,
        severity: meta.severity,
        ...(meta.optIn ? { optIn: true } : {}),
        description: meta.description,
        // The IST/KIA codes alone, as a diagnostic's `codes` carries them; `aliases` says how each one matches.
        codes: (meta.aliases ?? []).map((a) => a.code),
        aliases: meta.aliases ?? [],
      })),
      null,
      2,
    )}\n`;
  }
  if (format === "markdown") return rulesTable(catalog);
  const width = Math.max(...rules.map((r) => r.meta.id.length));
  return `${rules
    .map(({ meta }) => {
      const codes = (meta.aliases ?? []).map((a) => a.code).join(" ");
      return `${meta.id.padEnd(width)}  ${(meta.optIn ? "off" : meta.severity).padEnd(7)}  ${meta.area.padEnd(11)}  ${meta.description}${codes ? `  [${codes}]` : ""}`;
    })
    .join("\n")}\n`;
}

/** The README's rules table, generated from rule metadata. */
export function rulesTable(catalog: RuleCatalog): string {
  const rules = [...catalog.rules].sort((a, b) => (a.meta.area + a.meta.id).localeCompare(b.meta.area + b.meta.id));
  const rows = rules.map(({ meta }) => {
    const codes = (meta.aliases ?? []).map((a) => `${a.code}${a.match === "same" ? "" : ` (${a.match})`}`).join(", ");
    return `| [\`${meta.id}\`](rules/${meta.area}/${meta.id}.md) | ${meta.area} | ${meta.optIn ? `off (${meta.severity} when on)` : meta.severity} | ${codes || "–"} | ${meta.description.replace(/\|/g, "\\|")} |`;
  });
  return ["| rule | area | default | istioctl / Kiali codes | what it finds |", "| --- | --- | --- | --- | --- |", ...rows, ""].join("\n");
}
