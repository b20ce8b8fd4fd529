import { existsSync, readFileSync } from "node:fs";
import { didYouMean } from "../base/suggest.js";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../base/package.js";
import type { Rule } from "./rule.js";

/** The rules meshlint knows, found by id and by the istioctl/Kiali codes they alias. */
export class RuleCatalog {
  private readonly byId = new Map<string, Rule>();
  private readonly byCode = new Map<string, Rule[]>();

  constructor(readonly rules: readonly Rule[]) {
    for (const rule of rules) {
      if (this.byId.has(rule.meta.id)) throw new Error(`two rules have the id "${rule.meta.id}"`);
      this.byId.set(rule.meta.id, rule);
      for (const alias of rule.meta.aliases ?? []) {
        const list = this.byCode.get(alias.code);
        if (list) list.push(rule);
        else this.byCode.set(alias.code, [rule]);
      }
    }
  }

  get(id: string): Rule | undefined {
    return this.byId.get(id);
  }

  /**
   * The keys of a config's `rules` that name no rule id, istioctl/Kiali code or area, each with the nearest known
   * name: a typo there would otherwise leave a rule on (or off) without a word.
   */
  unknownSettings(settings: Readonly<Record<string, unknown>>): string[] {
    const areas = new Set<string>(this.rules.map((r) => r.meta.area));
    const known = [...this.byId.keys(), ...this.byCode.keys(), ...areas];
    return Object.keys(settings)
      .filter((key) => !this.byId.has(key) && !this.byCode.has(key.toUpperCase()) && !areas.has(key))
      .map((key) => `"${key}"${didYouMean(key, known)}`);
  }

  /** Rules carrying an IST/KIA code. */
  withCode(code: string): readonly Rule[] {
    return this.byCode.get(code.toUpperCase()) ?? [];
  }

  /** The rule's documentation (rules/<area>/<id>.md), if present. */
  doc(id: string): string | undefined {
    const rule = this.byId.get(id);
    if (!rule) return undefined;
    const file = join(PACKAGE_ROOT, "rules", rule.meta.area, `${id}.md`);
    return existsSync(file) ? readFileSync(file, "utf8") : undefined;
  }
}

/** istioctl IST####, Kiali KIA#### and Kiali's GWAPI (Gateway API status). */
export const isCode = (s: string): boolean => /^(IST|KIA)\d{4}$|^GWAPI$/i.test(s);
