import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RuleMeta } from "../engine/rule.js";
import { PACKAGE_ROOT } from "../base/package.js";

const FALLBACK_REPOSITORY = "https://github.com/meshlint/meshlint";

/**
 * The repository's web address, from package.json's `repository` (a string or `{ url }`, in any of npm's
 * spellings: `git+https://…/x.git`, `github:owner/name`, `owner/name`), else its `homepage`.
 */
export function repositoryUrl(manifest: { repository?: unknown; homepage?: unknown }): string {
  const repo = manifest.repository;
  const raw = typeof repo === "string" ? repo : typeof repo === "object" && repo && "url" in repo ? String(repo.url) : undefined;
  if (raw) {
    const shorthand = /^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(raw);
    if (shorthand) return `https://github.com/${shorthand[1]}`;
    const url = raw
      .replace(/^git\+/, "")
      .replace(/^git:\/\//, "https://")
      .replace(/^ssh:\/\/git@/, "https://")
      .replace(/^git@([^:]+):/, "https://$1/")
      .replace(/\.git$/, "");
    if (/^https?:\/\//.test(url)) return url;
  }
  if (typeof manifest.homepage === "string" && /^https?:\/\//.test(manifest.homepage)) return manifest.homepage.replace(/#.*$/, "");
  return FALLBACK_REPOSITORY;
}

/** meshlint's repository address, from its package.json. */
export const REPOSITORY_URL: string = (() => {
  try {
    return repositoryUrl(JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")));
  } catch {
    return FALLBACK_REPOSITORY;
  }
})();

/**
 * The one place a rule's documentation address is made: `<repository>/blob/main/rules/<area>/<id>.md`. Every
 * format uses it (SARIF `helpUri`, the github title/message, stylish, JSON, JUnit, checkstyle, the language server).
 */
export function ruleDocUrl(meta: Pick<RuleMeta, "id" | "area">): string {
  return `${REPOSITORY_URL}/blob/main/rules/${meta.area}/${meta.id}.md`;
}

/** The doc address of a rule id, or undefined for an id the catalog does not know. */
export function docUrlOf(catalog: { get(id: string): { meta: RuleMeta } | undefined }, ruleId: string): string | undefined {
  const rule = catalog.get(ruleId);
  return rule ? ruleDocUrl(rule.meta) : undefined;
}
