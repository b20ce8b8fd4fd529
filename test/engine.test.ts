import { describe, expect, it } from "vitest";
import { RULES } from "../rules/index.js";
import { lint } from "../src/api.js";
import { type Config, emptyConfig } from "../src/engine/config.js";
import { RuleCatalog } from "../src/engine/catalog.js";
import { defineRule } from "../src/engine/rule.js";
import { plainDigest } from "../src/engine/kept-checks.js";
import { K } from "../src/model/kinds.js";
import { tempRepo } from "./helpers/temp-repo.js";

const SERVICES = ["a", "boom", "c"]
  .map((n) => `apiVersion: v1\nkind: Service\nmetadata: { name: ${n}, namespace: shop }\nspec: { ports: [{ name: http, port: 80 }] }\n`)
  .join("---\n");

const exploding = defineRule({
  meta: {
    id: "test-exploding",
    area: "kubernetes",
    category: "correctness",
    severity: "warning",
    description: "Throws on one resource, reports the others.",
    aliases: [{ tool: "istioctl", code: "IST0118", match: "inspired", messageIds: ["seen"] }],
    messages: { seen: 'Saw "{{name}}".', other: "Other." },
  },
  target: [K.Service],
  reads: [],
  check(svc, ctx) {
    if (svc.name === "boom") throw new TypeError("cannot read properties of undefined");
    ctx.report({ resource: svc, messageId: "seen", data: { name: svc.name } });
  },
});

const explodingGlobal = defineRule({
  meta: { id: "test-exploding-global", area: "istio", category: "correctness", severity: "error", description: "Always throws.", messages: { never: "Never." } },
  reads: [],
  checkAll() {
    throw new Error("whole-index failure");
  },
});

const catalog = new RuleCatalog([...RULES, exploding, explodingGlobal]);
const run = (config?: Partial<Config>, files: Record<string, string> = { "s.yaml": SERVICES }) => {
  const dir = tempRepo(files);
  return lint(["."], { cwd: dir, catalog, config: { ...emptyConfig(dir), ...config } });
};

describe("engine", () => {
  it("turns a throwing rule into internal-error on that resource and keeps checking the others", async () => {
    const r = await run();
    const byRule = r.diagnostics.map((d) => `${d.ruleId}:${d.resource?.name ?? "-"}`);
    expect(byRule).toEqual(["test-exploding:a", "internal-error:boom", "test-exploding:c", "internal-error:-"]);
    expect(r.diagnostics[1]?.message).toBe('Rule "test-exploding" failed on this resource (cannot read properties of undefined); please report this as a meshlint bug.');
    expect(r.diagnostics[3]?.message).toContain('Rule "test-exploding-global" failed (whole-index failure)');
  });

  it("resolves severity: rule id, then code, then area, then the rule's default", async () => {
    const sev = async (rules: Config["rules"]) => (await run({ rules })).diagnostics.filter((d) => d.ruleId === "test-exploding").map((d) => d.severity);
    expect(await sev({})).toEqual(["warning", "warning"]);
    expect(await sev({ kubernetes: "info" })).toEqual(["info", "info"]);
    expect(await sev({ kubernetes: "info", IST0118: "error" })).toEqual(["error", "error"]);
    expect(await sev({ kubernetes: "info", IST0118: "error", "test-exploding": "warning" })).toEqual(["warning", "warning"]);
    expect(await sev({ IST0118: "off" })).toEqual([]);
    expect(await sev({ kubernetes: "off" })).toEqual([]);
  });

  it("does not run a rule whose id or area is off", async () => {
    const r = await run({ rules: { "test-exploding": "off", istio: "off" } });
    expect(r.diagnostics).toEqual([]);
    expect(r.reads.has("test-exploding")).toBe(false);
  });

  it("suppresses by annotation: meshlint.io/ignore (ids, codes, *), galley (IST codes), kiali (KIA codes)", async () => {
    const svc = (name: string, annotations: string) =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\n  annotations: {${annotations}}\nspec: { ports: [{ name: http, port: 80 }] }\n`;
    const r = await run({}, {
      "s.yaml": [
        svc("by-id", '"meshlint.io/ignore": "other-rule, test-exploding"'),
        svc("by-code", '"meshlint.io/ignore": "IST0118"'),
        svc("by-star", '"meshlint.io/ignore": "*"'),
        svc("galley", '"galley.istio.io/analyze-suppress": "IST0118"'),
        svc("galley-other", '"galley.istio.io/analyze-suppress": "IST0101"'),
        svc("kiali-empty", '"kiali.io/ignore-validations": ""'),
      ].join("---\n"),
    });
    // kiali.io/ignore-validations only covers findings that carry a KIA code; this one carries IST0118 only.
    expect(r.diagnostics.filter((d) => d.ruleId === "test-exploding").map((d) => d.resource?.name)).toEqual(["galley-other", "kiali-empty"]);
    expect(r.summary.suppressed).toBe(4);
  });

  it("orders output deterministically: by file, position, then rule", async () => {
    const files = { "b.yaml": SERVICES, "a.yaml": SERVICES.replace(/shop/g, "web") };
    const first = (await run({}, files)).diagnostics.map((d) => `${d.file}:${d.span?.line}:${d.ruleId}`);
    expect(first).toEqual((await run({}, files)).diagnostics.map((d) => `${d.file}:${d.span?.line}:${d.ruleId}`));
    expect(first[0]).toBe("a.yaml:3:test-exploding");
  });

  it("gives stable fingerprints that survive line moves", async () => {
    const moved = await run({}, { "s.yaml": `# a comment\n# another\n${SERVICES}` });
    const original = await run();
    expect(moved.diagnostics.map((d) => d.fingerprint)).toEqual(original.diagnostics.map((d) => d.fingerprint));
    expect(moved.diagnostics[0]?.span?.line).toBe(5);
  });
});

describe("plainDigest (kept memo values, --cache)", () => {
  const value = () => ({ all: [{ namespace: "shop", serviceAccount: "web" }], byAccount: new Map([["shop/web", 1]]), names: new Set(["a", "b"]) });
  it("is the same for the same plain data, and differs where sameValue would (order, -0, types)", () => {
    expect(plainDigest(value())).toBe(plainDigest(value()));
    expect(plainDigest({ a: 1, b: 2 })).not.toBe(plainDigest({ b: 2, a: 1 }));
    expect(plainDigest(new Set(["a", "b"]))).not.toBe(plainDigest(new Set(["b", "a"])));
    expect(plainDigest([0])).not.toBe(plainDigest([-0]));
    expect(plainDigest(["1"])).not.toBe(plainDigest([1]));
    expect(plainDigest([["a"], "b"])).not.toBe(plainDigest([["a", "b"]]));
    expect(plainDigest(new Map([["k", undefined]]))).not.toBe(plainDigest(new Map([["k", null]])));
  });
  it("is undefined for values compared by identity (class instances) and for deep nesting", () => {
    expect(plainDigest({ when: new Date(0) })).toBeUndefined();
    expect(plainDigest([() => 1])).toBeUndefined();
    let deep: unknown = 1;
    for (let i = 0; i < 60; i++) deep = [deep];
    expect(plainDigest(deep)).toBeUndefined();
  });
});
