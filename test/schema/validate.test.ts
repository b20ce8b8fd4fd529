import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { lint } from "../../src/api.js";
import { emptyConfig } from "../../src/engine/config.js";
import { convertCrdSchema } from "../../src/schema/convert.js";
import { KUBERNETES_FORMATS } from "../../src/schema/formats.js";
import { parseFieldPath, validateAgainstSchema } from "../../src/schema/validate.js";
import { AJV_OPTIONS } from "../../src/schema/precompiled.js";
import { parseDocument } from "yaml";
import { tempRepo } from "../helpers/temp-repo.js";

const SCHEMA_RULES = new Set(["schema-invalid", "validation-rule-failed", "api-version-not-served", "api-version-deprecated"]);

const findings = async (yaml: string, extra: object = {}) => {
  const dir = tempRepo({ "m.yaml": yaml });
  const r = await lint(["m.yaml"], { cwd: dir, config: emptyConfig(dir), ...extra });
  // Only the schema rules: other rules (references, hygiene) have their own tests.
  return r.diagnostics.filter((d) => SCHEMA_RULES.has(d.ruleId)).map((d) => `${d.span?.line}:${d.ruleId}:${d.severity}: ${d.message}`);
};

const CRD = (rules = "", extraProps = "") => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  scope: Namespaced
  names: { kind: Widget, plural: widgets }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              ${rules}
              properties:
                size: { type: integer, default: 1 }
                port: { x-kubernetes-int-or-string: true }
                note: { type: string, nullable: true }
                mode: { type: string }
                items:
                  type: array
                  x-kubernetes-list-type: map
                  x-kubernetes-list-map-keys: [name, protocol]
                  items:
                    type: object
                    required: [name]
                    properties:
                      name: { type: string }
                      protocol: { type: string, default: TCP }
                free: { type: object, x-kubernetes-preserve-unknown-fields: true }
                ${extraProps}
`;

describe("CRD schema conversion", () => {
  it("closes structural objects, keeps preserve-unknown-fields open, spells int-or-string and nullable", () => {
    const schema = convertCrdSchema({
      type: "object",
      properties: {
        spec: {
          type: "object",
          properties: { a: { type: "string", nullable: true }, p: { "x-kubernetes-int-or-string": true } },
          oneOf: [{ required: ["a"] }, { properties: { b: { type: "integer" } }, required: ["b"] }],
        },
        free: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { x: { type: "string" } } },
      },
    });
    const spec = schema.properties?.spec;
    expect(spec?.additionalProperties).toBe(false);
    expect(Object.keys(spec?.properties ?? {}).sort()).toEqual(["a", "b", "p"]);
    expect(spec?.oneOf?.[1]?.additionalProperties).toBeUndefined();
    expect(spec?.properties?.a?.type).toEqual(["string", "null"]);
    expect(spec?.properties?.p?.anyOf).toEqual([{ type: "integer" }, { type: "string" }]);
    expect(schema.properties?.free?.additionalProperties).toBeUndefined();
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties?.metadata?.properties?.labels?.additionalProperties).toEqual({ type: "string" });
  });

  it("reads fieldPath in Kubernetes' relative JSON path forms", () => {
    expect(parseFieldPath(".spec.listeners")).toEqual(["spec", "listeners"]);
    expect(parseFieldPath(".a['b.c'][2]")).toEqual(["a", "b.c", 2]);
  });

  it("uses the apiserver's formats: Go durations, no leading zeros in IPv4", () => {
    expect(KUBERNETES_FORMATS.duration?.("1h30m")).toBe(true);
    expect(KUBERNETES_FORMATS.duration?.("ten seconds")).toBe(false);
    expect(KUBERNETES_FORMATS.ipv4?.("10.0.0.1")).toBe(true);
    expect(KUBERNETES_FORMATS.ipv4?.("10.0.0.01")).toBe(false);
    expect(KUBERNETES_FORMATS.ipv6?.("2001:db8::1")).toBe(true);
    expect(KUBERNETES_FORMATS["date-time"]?.("2024-01-01T10:00:00Z")).toBe(true);
    expect(KUBERNETES_FORMATS["date-time"]?.("2024-01-01")).toBe(false);
  });
});

describe("schema validation against the repository's own CRD", () => {
  it("applies defaults before list-map uniqueness and CEL, and prunes nulls of non-nullable fields", async () => {
    const out = await findings(`${CRD(`x-kubernetes-validations: [{ rule: "self.size >= 1", message: "size defaults to 1" }]`)}---
apiVersion: example.com/v1
kind: Widget
metadata: { name: w, namespace: shop }
spec:
  mode: null
  note: null
  items:
    - { name: http }
    - { name: http, protocol: TCP }
    - { name: http, protocol: UDP }
`);
    expect(out).toEqual(["45:schema-invalid:error: spec.items[1] duplicates spec.items[0] (name \"http\", protocol \"TCP\"); spec.items is a list keyed by name, protocol."]);
  });

  it("names the field and what was expected, at the bad value; a missing field at its parent key", async () => {
    const out = await findings(`${CRD()}---
apiVersion: example.com/v1
kind: Widget
metadata: { name: w, namespace: shop, labels: { tier: 3 } }
spec:
  size: many
  port: [80]
  colour: blue
  free: { anything: [1, 2] }
  items:
    - { protocol: TCP }
`);
    expect(out).toEqual([
      '39:schema-invalid:error: metadata.labels.tier must be a string, not the integer 3.',
      '41:schema-invalid:error: spec.size must be an integer, not "many".',
      '42:schema-invalid:error: spec.port: a list must be an integer or a string.',
      '43:schema-invalid:error: Unknown field "colour" in spec.',
      '46:schema-invalid:error: Missing required field "name" in spec.items[0].',
    ]);
  });

  it("refuses .inf, -.inf, .nan and 1e309 in integer fields, which JavaScript's integer test lets by (regression)", async () => {
    const widget = (size: string) => `---\napiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w, namespace: shop }\nspec: { size: ${size} }\n`;
    const out = await findings(`${CRD()}${[".inf", "-.inf", ".nan", "1e309", "-1e309", "1e308", "7"].map(widget).join("")}`);
    expect(out.map((l) => l.replace(/^\d+:/, ""))).toEqual([
      "schema-invalid:error: spec.size must be an integer, not .inf (infinity, or a number past 64-bit floats such as 1e309).",
      "schema-invalid:error: spec.size must be an integer, not -.inf (minus infinity, or a number past 64-bit floats such as -1e309).",
      "schema-invalid:error: spec.size must be an integer, not .nan (not a number).",
      "schema-invalid:error: spec.size must be an integer, not .inf (infinity, or a number past 64-bit floats such as 1e309).",
      "schema-invalid:error: spec.size must be an integer, not -.inf (minus infinity, or a number past 64-bit floats such as -1e309).",
    ]);
  });

  it("prunes and defaults on copies, leaving the parsed manifest as written; a field named __proto__ is a field", () => {
    const crd = parseDocument(CRD(`x-kubernetes-validations: [{ rule: "self.size == 1 && !has(self.note)", message: "defaulted and pruned" }]`)).toJS();
    const schema = convertCrdSchema(crd.spec.versions[0].schema.openAPIV3Schema);
    const ajv = new Ajv(AJV_OPTIONS);
    for (const [name, check] of Object.entries(KUBERNETES_FORMATS)) ajv.addFormat(name, check);
    const validate = ajv.compile(schema);
    const data = JSON.parse('{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"mode":null,"note":null,"items":[{"name":"a"}],"__proto__":{"x":1}}}');
    const written = structuredClone(data);
    const { problems } = validateAgainstSchema(data, schema, validate);
    // The CEL rule saw size defaulted and note pruned; items[0].protocol defaulted too (no duplicate to report).
    expect(problems.map((p) => p.detail)).toEqual(['Unknown field "__proto__" in spec.']);
    expect(data).toEqual(written);
    expect(Object.keys(data.spec)).toEqual(["mode", "note", "items", "__proto__"]);
  });

  it("skips the CEL rules under schema errors in linear time: 100,000 wrong items of a list whose items carry a rule (regression)", () => {
    // Each node's check for a schema error at or below it scanned every error: 10,000 addresses of the wrong type in
    // a Gateway took 9 s of CPU (found by the full fuzz sweep), and 100,000 take minutes that way.
    const schema = convertCrdSchema({
      type: "object",
      properties: { spec: { type: "object", properties: { items: { type: "array", items: { type: "object", "x-kubernetes-validations": [{ rule: "has(self.a)" }] } } } } },
    });
    const validate = new Ajv(AJV_OPTIONS).compile(schema);
    const items = [...Array.from({ length: 100_000 }, (_, i) => `v${i}`), { b: 1 }];
    const { problems } = validateAgainstSchema({ apiVersion: "example.com/v1", kind: "Lister", metadata: { name: "l" }, spec: { items } }, schema, validate);
    expect(problems.length).toBe(100_001);
    expect(problems[0]?.detail).toBe('spec.items[0] must be an object, not "v0".');
    // The one item of the right type still meets its rule.
    expect(problems.at(-1)).toMatchObject({ kind: "cel", path: ["spec", "items", 100_000] });
  });

  it("words the errors of 50,000 items that fail a oneOf in linear time (regression)", () => {
    // Each error was compared with every failed oneOf/anyOf/not to know whether it came from inside one: 10,000
    // addresses of the wrong type in a Gateway took 4 s (found by the full fuzz sweep), 50,000 take minutes that way.
    const schema = convertCrdSchema({
      type: "object",
      properties: { spec: { type: "object", properties: { items: { type: "array", items: { type: "object", oneOf: [{ required: ["a"] }, { required: ["b"] }] } } } } },
    });
    const validate = new Ajv(AJV_OPTIONS).compile(schema);
    const items = Array.from({ length: 50_000 }, () => ({ c: 1 }));
    const { problems } = validateAgainstSchema({ apiVersion: "example.com/v1", kind: "Lister", metadata: { name: "l" }, spec: { items } }, schema, validate);
    expect(problems.length).toBe(50_000);
    expect(problems[0]?.path).toEqual(["spec", "items", 0]);
    expect(problems[0]?.detail).toBe('spec.items[0]: set exactly one of "a", "b".');
  });

  it("survives hostile values: nulls everywhere, wrong types, huge arrays, deep nesting", async () => {
    const deep = `${"[".repeat(2000)}${"]".repeat(2000)}`;
    const out = await findings(`${CRD(`x-kubernetes-validations: [{ rule: "self.items.all(i, i.name != '')" }]`)}---
apiVersion: example.com/v1
kind: Widget
metadata: null
spec:
  items: [${Array.from({ length: 20000 }, (_, i) => `{name: n${i}}`).join(", ")}]
  free: { deep: ${deep} }
---
apiVersion: example.com/v1
kind: Widget
metadata: { name: x, namespace: shop }
spec: 42
`);
    expect(out.some((l) => l.includes("spec must be an object"))).toBe(true);
    expect(out.every((l) => !l.includes("internal-error"))).toBe(true);
  });
});

describe("CRD patterns run on RE2, as in the apiserver (regression)", () => {
  const route = (value: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r, namespace: shop }
spec:
  rules:
    - backendRefs:
        - name: web
          port: 80
          filters:
            - type: RequestHeaderModifier
              requestHeaderModifier:
                set: [{ name: Authorization, value: ${JSON.stringify(value)} }]
`;

  it("answers at once for a header value that makes ^[!-~]+([\\t ]?[!-~]+)*$ backtrack in JavaScript", async () => {
    // 37 characters and a trailing space never finished with ajv's default JavaScript regexes.
    const value = `Bearer-${"abcdefghijklmnopqrstuvwxyz0123456789".repeat(3)} `;
    const found = await findings(route(value), { gatewayApiChannel: "experimental" });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain("does not match the pattern");
    expect(await findings(route("Bearer abc"), { gatewayApiChannel: "experimental" })).toEqual([]);
  });

  it("keeps each pattern apart (ajv tells compiled patterns apart by their text)", async () => {
    // A route valid under every pattern of its schema: names, kinds, groups and header names each have their own.
    expect(await findings(route("v"), { gatewayApiChannel: "experimental" })).toEqual([]);
  });
});

describe("bundles, channels and the user's CRDs", () => {
  it("lets --crds override a bundled kind", async () => {
    const dir = tempRepo({
      "crds/vs.yaml": `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: virtualservices.networking.istio.io }
spec:
  group: networking.istio.io
  scope: Namespaced
  names: { kind: VirtualService, plural: virtualservices }
  versions:
    - name: v1
      served: true
      storage: true
      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }
`,
      "app/vs.yaml": "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: v, namespace: shop }\nspec: { madeUp: true, hosts: [v] }\n",
    });
    const bundled = await lint(["app"], { cwd: dir, config: emptyConfig(dir) });
    expect(bundled.diagnostics.map((d) => d.ruleId)).toContain("schema-invalid");
    const own = await lint(["app"], { cwd: dir, config: emptyConfig(dir), crds: ["crds"] });
    expect(own.diagnostics.map((d) => d.ruleId)).not.toContain("schema-invalid");
    await expect(lint(["app"], { cwd: dir, config: emptyConfig(dir), crds: ["nope"] })).rejects.toThrow(/--crds/);
  });

  it("validates Gateway API against the channel asked for", async () => {
    const route = "apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TCPRoute\nmetadata: { name: t, namespace: shop }\nspec:\n  parentRefs: [{ name: gw }]\n  rules: [{ backendRefs: [{ name: db, port: 5432 }] }]\n";
    expect(await findings(route, { gatewayApiChannel: "standard" })).toEqual([
      '1:api-version-not-served:error: TCPRoute "gateway.networking.k8s.io/v1alpha2" is served only by the experimental channel of Gateway API; the cluster runs the standard channel, which serves gateway.networking.k8s.io/v1.',
    ]);
    const deprecated = [
      '1:api-version-deprecated:warning: TCPRoute "gateway.networking.k8s.io/v1alpha2" is deprecated: The v1alpha2 version of TCPRoute has been deprecated and will be removed in a future release of the API. Please upgrade to v1.',
    ];
    expect(await findings(route, { gatewayApiChannel: "experimental" })).toEqual(deprecated);
    // No channel named: a version only the experimental channel serves says the cluster runs that channel.
    expect(await findings(route)).toEqual(deprecated);
  });

  it("reports a version its CRD deprecates, with the replacement, and no version its CRD does not", async () => {
    const server = "apiVersion: policy.linkerd.io/v1beta1\nkind: Server\nmetadata: { name: web, namespace: shop }\nspec: { podSelector: { matchLabels: { app: web } }, port: 8080 }\n";
    expect(await findings(server)).toEqual([
      '1:api-version-deprecated:warning: Server "policy.linkerd.io/v1beta1" is deprecated: policy.linkerd.io/v1beta1 Server is deprecated; use policy.linkerd.io/v1beta3 Server.',
    ]);
    // Istio serves v1beta1 beside v1 and its CRDs deprecate neither.
    expect(await findings("apiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata: { name: default, namespace: shop }\nspec: { mtls: { mode: STRICT } }\n")).toEqual([]);
  });
});
