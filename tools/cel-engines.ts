import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { celEnv, isCelError, parse as bufParse, plan as bufPlan } from "@bufbuild/cel";
import { parse as marcParse } from "@marcbachmann/cel-js";
import { evaluate as celJsEvaluate, parse as celJsParse } from "cel-js";
import { parseManifests } from "../src/load/load.js";
import { BUNDLE_FILES, bundle, type BundleKey } from "../src/schema/bundles.js";
import { celValue, defaultEngine, toPlain, type CelEngine, type CelOutcome } from "../src/schema/cel/engine.js";
import type { CelValidation, SchemaNode } from "../src/schema/convert.js";
import { PACKAGE_ROOT } from "../src/base/package.js";

// `node dist-tools/tools/cel-engines.js [realworld-dir]`: measures the three CEL packages on the x-kubernetes-validations
// rules of the bundled CRDs and prints a Markdown table. Each engine is used as it comes (only @bufbuild/cel gets
// meshlint's Kubernetes library), so the table shows what adopting each would take. The hand-written cases below
// come from the real rules; when the shared real-world corpus is present (default ../shared/realworld), its
// Gateway API examples and Istio validation test data are evaluated rule by rule as well.

/** One `x-kubernetes-validations` entry where it sits in a CRD. */
interface RuleSite {
  readonly rule: string;
  readonly message: string;
  readonly node: SchemaNode;
}

function nodeAt(key: BundleKey, kind: string, version: string, path: string): SchemaNode {
  const crd = bundle(key).crds.find((c) => c.kind === kind);
  let node = crd?.versions.find((v) => v.name === version)?.schema;
  for (const step of path.split(".").filter(Boolean)) {
    const [, name = "", suffix = ""] = /^([^[{]*)(.*)$/.exec(step) ?? [];
    if (name !== "") node = node?.properties?.[name];
    for (const wrapper of suffix.match(/\[\]|\{\}/g) ?? []) {
      node = wrapper === "[]" ? node?.items : (node?.additionalProperties as SchemaNode | undefined);
    }
  }
  if (!node) throw new Error(`no schema node ${key} ${kind}/${version} ${path}`);
  return node;
}

function distinctRules(): string[] {
  const rules = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== "object" || node === null) return;
    for (const v of (node as SchemaNode)["x-kubernetes-validations"] ?? []) {
      rules.add(v.rule);
      if (v.messageExpression !== undefined) rules.add(v.messageExpression);
    }
    Object.values(node).forEach(walk);
  };
  for (const key of Object.keys(BUNDLE_FILES) as BundleKey[]) walk(bundle(key));
  return [...rules];
}

const isTransition = (rule: string) => /\boldSelf\b/.test(rule);

// ---------------------------------------------------------------------------------------------------------------
// The engines, each behind meshlint's CelEngine interface.

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** cel-js works on JS numbers, so ints are handed over as numbers. */
function withNumbers(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(withNumbers);
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withNumbers(v)]));
  }
  return value;
}

const celJs: CelEngine = {
  name: "cel-js 0.8.2",
  compile(expression) {
    const parsed = celJsParse(expression);
    if (!parsed.isSuccess) return { error: parsed.errors.join("; ") };
    return {
      evaluate(bindings): CelOutcome {
        try {
          return { value: celJsEvaluate(parsed.cst, withNumbers(bindings) as Record<string, unknown>) };
        } catch (error) {
          return { error: errorText(error) };
        }
      },
    };
  },
};

const marc: CelEngine = {
  name: "@marcbachmann/cel-js 8.0.0",
  compile(expression) {
    let program: ReturnType<typeof marcParse>;
    try {
      program = marcParse(expression);
    } catch (error) {
      return { error: errorText(error) };
    }
    return {
      evaluate(bindings): CelOutcome {
        try {
          return { value: program(bindings as Record<string, unknown>) };
        } catch (error) {
          return { error: errorText(error) };
        }
      },
    };
  },
};

/** @bufbuild/cel with nothing registered, for comparison with meshlint's default engine. */
function bareBufbuild(): CelEngine {
  const env = celEnv();
  return {
    name: "@bufbuild/cel 0.6.1, no Kubernetes library",
    compile(expression) {
      let program: ReturnType<typeof bufPlan>;
      try {
        program = bufPlan(env, bufParse(expression));
      } catch (error) {
        return { error: errorText(error) };
      }
      return {
        evaluate(bindings): CelOutcome {
          try {
            const result = program(bindings as Parameters<typeof program>[0]);
            return isCelError(result) ? { error: result.message } : { value: toPlain(result) };
          } catch (error) {
            return { error: errorText(error) };
          }
        },
      };
    },
  };
}

/** Whether an engine's own checker accepts the expression, beyond parsing (marcbachmann's `check()`). */
function typeChecks(engine: CelEngine, expression: string): boolean {
  if (engine === marc) {
    try {
      return marcParse(expression).check().valid;
    } catch {
      return false;
    }
  }
  return !("error" in engine.compile(expression));
}

// ---------------------------------------------------------------------------------------------------------------
// Hand-written cases: real rules at their real schema nodes, with data the apiserver accepts or rejects.

type Expected = boolean | "error";

interface Case {
  readonly label: string;
  readonly rule: string;
  readonly self: unknown;
  readonly expected: Expected;
}

const GA = "gateway-api-standard" as const;
const GX = "gateway-api-experimental" as const;
const GL = "gateway-api-linkerd" as const;
const IS = "istio" as const;

type Site = readonly [BundleKey, string, string, string];

function ruleAt(site: Site, pick: string): RuleSite {
  const node = nodeAt(...site);
  const matching = (node["x-kubernetes-validations"] ?? []).filter((v: CelValidation) => v.rule.includes(pick));
  if (matching.length !== 1) throw new Error(`${site.join(" ")}: ${matching.length} rules contain ${JSON.stringify(pick)}`);
  const validation = matching[0]!;
  return { rule: validation.rule, message: validation.message ?? "", node };
}

function cases(site: Site, pick: string, ...examples: ReadonlyArray<readonly [unknown, Expected]>): Case[] {
  const { rule, node } = ruleAt(site, pick);
  return examples.map(([data, expected]) => ({
    label: `${site[1]} ${site[3]}: ${pick}`,
    rule,
    self: celValue(data, node),
    expected,
  }));
}

const PATH: Site = [GA, "HTTPRoute", "v1", "spec.rules[].matches[].path"];
const GRPC_METHOD: Site = [GA, "GRPCRoute", "v1", "spec.rules[].matches[].method"];
const HTTP_RULE: Site = [GA, "HTTPRoute", "v1", "spec.rules[]"];
const FILTER: Site = [GA, "HTTPRoute", "v1", "spec.rules[].filters[]"];
const LISTENERS: Site = [GA, "Gateway", "v1", "spec.listeners"];
const PARENT_REFS: Site = [GA, "HTTPRoute", "v1", "spec.parentRefs"];
const ref = (namespace: string | undefined, sectionName?: string, port?: number) => ({
  group: "gateway.networking.k8s.io",
  kind: "Gateway",
  name: "gw",
  ...(namespace === undefined ? {} : { namespace }),
  ...(sectionName === undefined ? {} : { sectionName }),
  ...(port === undefined ? {} : { port }),
});
const prefixMatch = { path: { type: "PathPrefix", value: "/" } };
const rewrite = { type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/x" } } };
const repeat = <T>(n: number, item: T): T[] => Array.from({ length: n }, () => structuredClone(item));

function handWrittenCases(): Case[] {
  return [
    ...cases(PATH, "startsWith('/')", [{ type: "PathPrefix", value: "/foo" }, true], [{ type: "Exact", value: "foo" }, false]),
    ...cases(PATH, "contains('//')", [{ type: "Exact", value: "/a//b" }, false], [{ type: "RegularExpression", value: "//" }, true]),
    ...cases(PATH, "endsWith('/..')", [{ type: "Exact", value: "/a/.." }, false]),
    ...cases(PATH, "matches(r", [{ type: "PathPrefix", value: "/a%20b" }, true], [{ type: "PathPrefix", value: "/a b" }, false]),
    ...cases(PATH, "|| self.type == 'RegularExpression'", [{ type: "Glob", value: "/" }, false]),
    ...cases([GL, "HTTPRoute", "v1", "spec.rules[].matches[].path"], "contains('%2f')", [{ type: "Exact", value: "/a%2fb" }, false]),
    ...cases(GRPC_METHOD, "self.service.matches", [{ type: "Exact", service: "com.Example.Greeter" }, true], [{ service: "foo..bar" }, false]),
    ...cases(GRPC_METHOD, "self.method.matches", [{ method: "SayHello" }, true], [{ method: "Say-Hello" }, false]),
    ...cases(GRPC_METHOD, "has(self.service) || has(self.method)", [{ type: "Exact" }, false], [{ type: "Exact", method: "M" }, true]),
    ...cases(
      HTTP_RULE,
      "self.filters.exists_one(f, has(f.urlRewrite)",
      [{ matches: [prefixMatch], filters: [rewrite] }, true],
      [{ matches: [{ headers: [{ name: "a", value: "b" }] }], filters: [rewrite] }, false],
      [{ matches: [prefixMatch, prefixMatch], filters: [rewrite] }, false],
    ),
    ...cases(
      HTTP_RULE,
      "(!has(self.filters) || self.filters.all(f, !has(f.requestRedirect)))",
      [{ filters: [{ type: "RequestRedirect", requestRedirect: { statusCode: 301 } }], backendRefs: [{ name: "s", port: 80 }] }, false],
      [{ backendRefs: [{ name: "s", port: 80 }] }, true],
    ),
    ...cases(
      [GA, "HTTPRoute", "v1", "spec.rules"],
      "self[0].matches.size()",
      [[{ matches: repeat(64, prefixMatch) }, { matches: repeat(63, prefixMatch) }], true],
      [[{ matches: repeat(64, prefixMatch) }, { matches: repeat(64, prefixMatch) }, { matches: [prefixMatch] }], false],
    ),
    ...cases([GA, "GRPCRoute", "v1", "spec.rules"], "has(self[0].matches)", [[{}, { matches: [{}] }], true]),
    ...cases(
      [GA, "HTTPRoute", "v1", "spec.rules[].timeouts"],
      "duration(self.backendRequest)",
      [{ request: "10s", backendRequest: "2s" }, true],
      [{ request: "1s", backendRequest: "1500ms" }, false],
      [{ request: "0s", backendRequest: "1h" }, true],
    ),
    ...cases(FILTER, "!(has(self.requestHeaderModifier) && self.type != 'RequestHeaderModifier')", [
      { type: "RequestRedirect", requestHeaderModifier: {} },
      false,
    ]),
    ...cases([GA, "HTTPRoute", "v1", "spec.rules[].filters"], "'RequestHeaderModifier').size() <= 1", [
      [{ type: "RequestHeaderModifier" }, { type: "RequestHeaderModifier" }],
      false,
    ]),
    ...cases([GA, "HTTPRoute", "v1", "spec.rules[].filters"], "self.exists(f, f.type == 'URLRewrite')", [
      [{ type: "RequestRedirect" }, { type: "URLRewrite" }],
      false,
    ]),
    ...cases([GA, "HTTPRoute", "v1", "spec.rules[].filters[].cors.allowOrigins"], "'*' in self", [["*", "https://a.example"], false], [["https://a.example"], true]),
    ...cases([GA, "HTTPRoute", "v1", "spec.rules[].filters[].requestMirror.fraction"], "self.numerator <= self.denominator", [{ numerator: 5, denominator: 2 }, false]),
    ...cases([GA, "HTTPRoute", "v1", "spec.rules[].filters[].urlRewrite.path"], "self.type == 'ReplaceFullPath' ?", [{ type: "ReplaceFullPath" }, false]),
    ...cases(
      [GA, "HTTPRoute", "v1", "spec.rules[].backendRefs[]"],
      "has(self.port)",
      [{ group: "", kind: "Service", name: "s" }, false],
      [{ group: "", kind: "Service", name: "s", port: 80 }, true],
    ),
    ...cases(PARENT_REFS, "self.all(p1, self.all(p2", [[ref("a"), ref("a", "https")], false], [[ref("a"), ref("b")], true]),
    ...cases(PARENT_REFS, "self.exists_one(p2", [[ref(undefined, "x"), ref("", "x")], false], [[ref("a", "x"), ref("a", "y")], true]),
    ...cases([GX, "HTTPRoute", "v1", "spec.parentRefs"], "self.exists_one(p2", [[ref("a", "x", 80), ref("a", "x", 80)], false], [[ref("a", "x", 80), ref("a", "x", 81)], true]),
    ...cases(LISTENERS, "(!has(l.hostname) || l.hostname == '')", [[{ name: "t", port: 9000, protocol: "TCP", hostname: "example.com" }], false], [[{ name: "t", port: 9000, protocol: "TCP" }], true]),
    ...cases(LISTENERS, "!has(l.tls)", [[{ name: "h", port: 80, protocol: "HTTP", tls: { mode: "Terminate" } }], false]),
    ...cases(LISTENERS, "l.protocol == 'HTTPS' && has(l.tls)", [[{ name: "h", port: 443, protocol: "HTTPS", tls: { mode: "Passthrough" } }], false]),
    ...cases(LISTENERS, "l.protocol == 'TLS' ?", [[{ name: "t", port: 443, protocol: "TLS" }], false]),
    ...cases(LISTENERS, "l1.name == l2.name", [[{ name: "a", port: 80, protocol: "HTTP" }, { name: "a", port: 81, protocol: "HTTP" }], false]),
    ...cases(LISTENERS, "l1.port == l2.port", [
      [
        { name: "a", port: 80, protocol: "HTTP", hostname: "x.example.com" },
        { name: "b", port: 80, protocol: "HTTP", hostname: "x.example.com" },
      ],
      false,
    ]),
    ...cases(
      [GA, "Gateway", "v1", "spec.listeners[].tls"],
      "size(self.certificateRefs) > 0",
      [{ mode: "Terminate", certificateRefs: [{ name: "c" }] }, true],
      [{ mode: "Passthrough" }, true],
      // `false || <no such key>` is an error in CEL, which the apiserver reports as a failed rule.
      [{ mode: "Terminate", certificateRefs: [] }, "error"],
    ),
    ...cases([GA, "Gateway", "v1", "spec.addresses"], "a1.type == 'IPAddress'", [[{ type: "IPAddress", value: "10.0.0.1" }, { type: "IPAddress", value: "10.0.0.1" }], false]),
    ...cases([GA, "Gateway", "v1", "spec.addresses[]"], "self.type == 'Hostname' ?", [{ type: "Hostname", value: "*.example.com" }, true], [{ type: "Hostname", value: "Example.com" }, false]),
    ...cases([GA, "Gateway", "v1", "spec.infrastructure.labels"], "key.matches(r", [{ "example.com/app": "x" }, true], [{ "-bad": "x" }, false]),
    ...cases([GA, "Gateway", "v1", "spec.infrastructure.labels"], "key.split(\"/\")[0].size() < 253", [{ [`${"a".repeat(253)}/x`]: "y" }, false]),
    ...cases([GA, "Gateway", "v1", "spec.tls.frontend.perPort"], "t1.port == t2.port", [[{ port: 443 }, { port: 443 }], false]),
    ...cases([GA, "TLSRoute", "v1", "spec.hostnames"], "!isIP(h)", [["10.0.0.1"], false], [["2001:db8::1"], false], [["example.com"], true]),
    ...cases([GA, "TLSRoute", "v1", "spec.hostnames"], "h.startsWith('*.')", [["*.example.com"], true], [["foo.*.example.com"], false]),
    ...cases([GA, "BackendTLSPolicy", "v1", "spec.validation"], "!(has(self.caCertificateRefs)", [{ caCertificateRefs: [{ name: "c" }], wellKnownCACertificates: "System" }, false]),
    ...cases([GA, "BackendTLSPolicy", "v1", "spec.validation.subjectAltNames[]"], 'self.type == "Hostname" && (!has', [{ type: "Hostname" }, false], [{ type: "Hostname", hostname: "a.example" }, true]),
    // cel-go: an optional never equals null, so the apiserver refuses every non-empty port name here.
    ...cases([GX, "XBackend", "v1alpha1", "spec.port.name"], "format.dns1123Label()", ["", true], ["http", false]),
    ...cases([GX, "XBackendTrafficPolicy", "v1alpha1", "spec.retryConstraint.budget.interval"], "duration('1s')", ["30m", true], ["2h", false]),
    ...cases([GX, "HTTPRoute", "v1", "spec.rules"], "!has(l1.name)", [[{ name: "a" }, { name: "a" }], false], [[{ name: "a" }, {}], true]),
    ...cases([IS, "WasmPlugin", "v1alpha1", "spec.url"], "isURL(self)", ["oci://ghcr.io/x:1", true], ["ghcr.io/x:1", true], ["ftp://x/y", false], ["registry:5000/x", false]),
    ...cases([IS, "RequestAuthentication", "v1", "spec.jwtRules[].jwksUri"], "url(self)", ["https://example.com/jwks", true], ["ftp://example.com/jwks", false], ["example.com/jwks", "error"]),
    ...cases([IS, "DestinationRule", "v1", "spec.trafficPolicy.connectionPool.tcp.connectTimeout"], "duration('1ms')", ["10s", true], ["1.5s", true], ["0.5ms", false]),
    ...cases([IS, "PeerAuthentication", "v1", "spec.portLevelMtls"], "int(key)", [{ "8080": {} }, true], [{ "70000": {} }, false], [{ http: {} }, "error"]),
    ...cases([IS, "ServiceEntry", "v1", "spec"], 'k.contains("/")', [{ hosts: ["a"], addresses: ["10.0.0.0/24"], resolution: "DNS" }, false], [{ hosts: ["a"], addresses: ["10.0.0.1"] }, true]),
    ...cases([IS, "ServiceEntry", "v1", "spec"], '== "NONE") ? !has(self.endpoints)', [{ hosts: ["a"], endpoints: [{ address: "1.1.1.1" }] }, false]),
    ...cases([IS, "ServiceEntry", "v1", "spec"], "DNS_ROUND_ROBIN", [{ hosts: ["a"], resolution: "DNS_ROUND_ROBIN", endpoints: [{ address: "a" }, { address: "b" }] }, false]),
    ...cases([IS, "ServiceEntry", "v1", "spec.endpoints[].address"], "substring(7, 8)", ["unix:///var/run/x.sock", true], ["unix://x", false]),
    ...cases([IS, "ServiceEntry", "v1", "spec.endpoints[].ports"], "key.matches(", [{ "http-1": 80 }, true], [{ "-x": 80 }, false]),
    ...cases([IS, "ServiceEntry", "v1", "spec.ports[].number"], "0 < self", [0, false], [443, true]),
    ...cases([IS, "ServiceEntry", "v1", "spec.ports"], "l1.number == l2.number", [[{ number: 80, name: "a" }, { number: 80, name: "b" }], false]),
    ...cases([IS, "AuthorizationPolicy", "v1", "spec.rules[].from[].source"], "has(self.serviceAccounts)", [{ serviceAccounts: ["a"], namespaces: ["b"] }, false], [{ serviceAccounts: ["a"] }, true]),
    ...cases([IS, "Gateway", "v1", "spec.servers[].tls"], "has(self.credentialName) ? 1", [{ credentialName: "a", credentialNames: ["b"] }, false]),
    ...cases([IS, "EnvoyFilter", "v1alpha3", "spec.configPatches[].match"], 'self.context == "WAYPOINT"', [{ context: "SIDECAR_INBOUND", waypoint: {} }, false], [{ context: "WAYPOINT", waypoint: {} }, true]),
    ...cases([IS, "Telemetry", "v1alpha1", "spec.metrics[].overrides[].tagOverrides{}"], '"UPSERT"', [{ operation: "UPSERT", value: "" }, false]),
    ...cases([IS, "WorkloadGroup", "v1", "spec.probe.httpGet.scheme"], "self in", ["HTTPS", true], ["TCP", false]),
    ...cases([IS, "Sidecar", "v1", "spec.workloadSelector.labels{}"], "contains", ["app", true], ["a*", false]),
    ...cases([IS, "DestinationRule", "v1", "spec.workloadSelector.matchLabels"], "key.size() != 0", [{ "": "x" }, false]),
    ...cases([IS, "WasmPlugin", "v1alpha1", "spec"], "has(self.targetRef)", [{ selector: {}, targetRefs: [{}] }, false]),
    ...cases([IS, "TrafficExtension", "v1alpha1", "spec"], "has(self.wasm) != has(self.lua)", [{ wasm: {}, lua: {} }, false]),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Real-world documents: every rule at every node of every resource, after the apiserver's defaulting.

interface Evaluation {
  readonly rule: string;
  readonly message: string;
  readonly self: unknown;
  /** Field path and schema type, for the apiserver-style error text (`spec.x: Invalid value: "object": …`). */
  readonly path: string;
  readonly type: string;
}

function applyDefaults(data: unknown, schema: SchemaNode | undefined): unknown {
  if (!schema || data === null || typeof data !== "object") return data;
  if (Array.isArray(data)) return data.map((item) => applyDefaults(item, schema.items));
  const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (out[name] === undefined && property.default !== undefined) out[name] = structuredClone(property.default);
  }
  for (const [name, value] of Object.entries(out)) {
    const property = schema.properties?.[name] ?? (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
    out[name] = applyDefaults(value, property);
  }
  return out;
}

function evaluations(data: unknown, schema: SchemaNode | undefined, path = "", out: Evaluation[] = []): Evaluation[] {
  if (!schema || data === null || data === undefined) return out;
  const rules = (schema["x-kubernetes-validations"] ?? []).filter((v) => !isTransition(v.rule));
  if (rules.length > 0) {
    const self = celValue(data, schema);
    const type = String([schema.type ?? "object"].flat()[0]);
    for (const v of rules) out.push({ rule: v.rule, message: v.message ?? v.rule, self, path, type });
  }
  if (Array.isArray(data)) {
    data.forEach((item, i) => evaluations(item, schema.items, `${path}[${i}]`, out));
  } else if (typeof data === "object") {
    for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
      const property = schema.properties?.[name];
      const mapValue = typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined;
      if (property) evaluations(value, property, path === "" ? name : `${path}.${name}`, out);
      else if (mapValue) evaluations(value, mapValue, `${path}[${name}]`, out);
    }
  }
  return out;
}

interface Document {
  readonly name: string;
  readonly valid: boolean;
  /** For invalid documents: a substring of the apiserver's error, which one failing rule must produce. */
  readonly expectedError?: string;
  readonly evaluations: readonly Evaluation[];
}

/**
 * The rule message that rejects each upstream Gateway API example that CEL refuses, read off the CRDs for the
 * reason EXPECTED.json gives (Istio's test data carries the apiserver's message itself).
 */
const GATEWAY_EXPECTED_ERRORS: Readonly<Record<string, string>> = {
  "experimental/httproute/invalid-filter-externalauth-empty.yaml": "filter.externalAuth must be specified for ExternalAuth filter.type",
  "standard/gateway/duplicate-listeners.yaml": "Listener name must be unique within the Gateway",
  "standard/gateway/hostname-tcp.yaml": "hostname must not be specified for protocols ['TCP', 'UDP']",
  "standard/gateway/hostname-udp.yaml": "hostname must not be specified for protocols ['TCP', 'UDP']",
  "standard/gateway/invalid-addresses.yaml": "Hostname value must be empty or contain only valid characters",
  "standard/gateway/invalid-tls-mode.yaml": "tls mode must be Terminate for protocol HTTPS",
  "standard/gateway/tlsconfig-tcp.yaml": "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
  "standard/httproute/httproute-portless-backend.yaml": "Must have port for Service reference",
  "standard/httproute/httproute-portless-service.yaml": "Must have port for Service reference",
  "standard/httproute/invalid-filter-duplicate.yaml": "RequestHeaderModifier filter cannot be repeated",
  "standard/httproute/invalid-filter-empty.yaml": "filter.requestHeaderModifier must be specified for RequestHeaderModifier filter.type",
  "standard/httproute/invalid-filter-wrong-field.yaml": "filter.requestRedirect must be nil if the filter.type is not RequestRedirect",
  "standard/httproute/invalid-hostname.yaml": "Must have port for Service reference",
  "standard/httproute/invalid-httpredirect-hostname.yaml": "RequestRedirect filter must not be used together with backendRefs",
  "standard/httproute/invalid-path-alphanum-specialchars-mix.yaml": "must only contain valid characters",
  "standard/httproute/invalid-path-specialchars.yaml": "must only contain valid characters",
  "standard/httproute/invalid-request-redirect-with-backendref.yaml": "RequestRedirect filter must not be used together with backendRefs",
  "standard/tlsroute/invalid-hostname.yaml": "Hostnames must be valid based on RFC-1123",
  "standard/tlsroute/no-hostname.yaml": "Must have port for Service reference",
};

function schemaFor(keys: readonly BundleKey[], apiVersion: string, kind: string): SchemaNode | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  for (const key of keys) {
    const crd = bundle(key).crds.find((c) => c.group === group && c.kind === kind);
    const schema = crd?.versions.find((v) => v.name === version)?.schema;
    if (schema) return schema;
  }
  return undefined;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

function documentsOf(file: string, keys: readonly BundleKey[]): { data: Record<string, unknown>; schema: SchemaNode }[] {
  const { resources } = parseManifests(file, readFileSync(file, "utf8"));
  return resources.flatMap((r) => {
    const schema = schemaFor(keys, r.apiVersion, r.kind);
    const data = Object.fromEntries(Object.entries(r.data as Record<string, unknown>).filter(([k]) => k !== "_err"));
    return schema ? [{ data, schema }] : [];
  });
}

function gatewayDocuments(root: string): Document[] {
  const dir = join(root, "gateway-api");
  const expected = JSON.parse(readFileSync(join(dir, "invalid", "EXPECTED.json"), "utf8")) as {
    file: string;
    rejectedBy: string;
    alsoRejectedBy?: string | string[];
    crdChannel: string;
  }[];
  const docs: Document[] = [];
  for (const file of yamlFiles(join(dir, "valid"))) {
    const keys: BundleKey[] = file.includes("/experimental/") ? [GX] : [GA, GX];
    for (const { data, schema } of documentsOf(file, keys)) {
      docs.push({ name: relative(dir, file), valid: true, evaluations: evaluations(applyDefaults(data, schema), schema) });
    }
  }
  for (const entry of expected) {
    if (entry.rejectedBy !== "cel" && !String(entry.alsoRejectedBy ?? "").includes("cel")) continue;
    const keys: BundleKey[] = entry.crdChannel === "experimental" ? [GX] : [GA];
    const expectedError = GATEWAY_EXPECTED_ERRORS[entry.file];
    if (expectedError === undefined) throw new Error(`no expected error recorded for ${entry.file}`);
    for (const { data, schema } of documentsOf(join(dir, "invalid", entry.file), keys)) {
      docs.push({ name: entry.file, valid: false, expectedError, evaluations: evaluations(applyDefaults(data, schema), schema) });
    }
  }
  return docs;
}

function istioDocuments(root: string): Document[] {
  const dir = join(root, "istio-validation");
  const expected = JSON.parse(readFileSync(join(dir, "EXPECTED.json"), "utf8")) as {
    file: string;
    docIndex: number;
    valid: boolean;
    rejectedBy?: string;
    upstreamExpectedErrorSubstring?: string;
  }[];
  const docs: Document[] = [];
  const byFile = new Map<string, ReturnType<typeof documentsOf>>();
  for (const entry of expected) {
    if (!entry.valid && entry.rejectedBy !== "cel") continue;
    if (!byFile.has(entry.file)) byFile.set(entry.file, documentsOf(join(dir, entry.file), [IS]));
    const doc = byFile.get(entry.file)?.[entry.docIndex];
    if (!doc) continue;
    docs.push({
      name: `${entry.file}#${entry.docIndex}`,
      valid: entry.valid,
      ...(entry.upstreamExpectedErrorSubstring === undefined ? {} : { expectedError: entry.upstreamExpectedErrorSubstring }),
      evaluations: evaluations(applyDefaults(doc.data, doc.schema), doc.schema),
    });
  }
  return docs;
}

// ---------------------------------------------------------------------------------------------------------------
// Measuring.

function outcomeOf(engine: CelEngine, compiled: Map<string, ReturnType<CelEngine["compile"]>>, rule: string, self: unknown): Expected {
  let program = compiled.get(rule);
  if (!program) {
    program = engine.compile(rule);
    compiled.set(rule, program);
  }
  if ("error" in program) return "error";
  const outcome = program.evaluate({ self });
  if ("error" in outcome) return "error";
  return outcome.value === true ? true : outcome.value === false ? false : "error";
}

/** The apiserver's errors for the document's failing rules (a rule that cannot be evaluated fails too). */
function errorsOf(engine: CelEngine, compiled: Map<string, ReturnType<CelEngine["compile"]>>, doc: Document): string[] {
  const errors: string[] = [];
  for (const e of doc.evaluations) {
    const program = compiled.get(e.rule) ?? engine.compile(e.rule);
    compiled.set(e.rule, program);
    const outcome = "error" in program ? program : program.evaluate({ self: e.self });
    const prefix = `${e.path}: Invalid value: "${e.type}": `;
    if ("error" in outcome) errors.push(`${prefix}${outcome.error} evaluating rule: ${e.message}`);
    else if (outcome.value !== true) errors.push(`${prefix}${e.message}`);
  }
  return errors;
}

/** Valid documents must pass every rule; invalid ones must fail with the apiserver's error. */
function judgedRight(engine: CelEngine, compiled: Map<string, ReturnType<CelEngine["compile"]>>, doc: Document): boolean {
  const errors = errorsOf(engine, compiled, doc);
  if (doc.valid) return errors.length === 0;
  return errors.some((error) => error.includes(doc.expectedError ?? ""));
}

interface Row {
  readonly engine: string;
  readonly cells: readonly string[];
}

function measure(engine: CelEngine, rules: readonly string[], table: readonly Case[], gateway: readonly Document[], istio: readonly Document[]): Row {
  const compiled = new Map<string, ReturnType<CelEngine["compile"]>>();
  const started = process.hrtime.bigint();
  const parsedCount = rules.filter((r) => !("error" in engine.compile(r))).length;
  const compileMs = Number(process.hrtime.bigint() - started) / 1e6 / rules.length;
  const checked = rules.filter((r) => typeChecks(engine, r)).length;
  const correct = table.filter((c) => outcomeOf(engine, compiled, c.rule, c.self) === c.expected).length;
  const evalStart = process.hrtime.bigint();
  for (const c of table) outcomeOf(engine, compiled, c.rule, c.self);
  const evalUs = Number(process.hrtime.bigint() - evalStart) / 1e3 / table.length;
  const fraction = (n: number, of: number) => `${n} / ${of}`;
  const cells = [fraction(parsedCount, rules.length), fraction(checked, rules.length), fraction(correct, table.length)];
  for (const docs of [gateway, istio]) {
    if (docs.length === 0) {
      cells.push("–", "–", "–");
      continue;
    }
    const validEvaluations = docs.filter((d) => d.valid).flatMap((d) => d.evaluations);
    const holding = validEvaluations.filter((e) => outcomeOf(engine, compiled, e.rule, e.self) === true).length;
    const valid = docs.filter((d) => d.valid);
    const invalid = docs.filter((d) => !d.valid);
    cells.push(
      fraction(holding, validEvaluations.length),
      fraction(valid.filter((d) => judgedRight(engine, compiled, d)).length, valid.length),
      fraction(invalid.filter((d) => judgedRight(engine, compiled, d)).length, invalid.length),
    );
  }
  cells.push(compileMs.toFixed(2), evalUs.toFixed(1));
  return { engine: engine.name, cells };
}

function printMismatches(engine: CelEngine, table: readonly Case[], docs: readonly Document[]): void {
  const compiled = new Map<string, ReturnType<CelEngine["compile"]>>();
  for (const c of table) {
    const got = outcomeOf(engine, compiled, c.rule, c.self);
    if (got !== c.expected) console.log(`- case ${c.label}: expected ${String(c.expected)}, got ${String(got)}`);
  }
  for (const doc of docs) {
    if (judgedRight(engine, compiled, doc)) continue;
    const expected = doc.valid ? "no error" : `an error containing ${JSON.stringify(doc.expectedError)}`;
    console.log(`- document ${doc.name}: expected ${expected}, got ${JSON.stringify(errorsOf(engine, compiled, doc))}`);
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const verbose = args.includes("--verbose");
  const realworld = resolve(args.find((a) => !a.startsWith("--")) ?? join(PACKAGE_ROOT, "..", "shared", "realworld"));
  const hasRealworld = existsSync(join(realworld, "gateway-api")) && existsSync(join(realworld, "istio-validation"));
  const rules = distinctRules();
  const table = handWrittenCases();
  const gateway = hasRealworld ? gatewayDocuments(realworld) : [];
  const istio = hasRealworld ? istioDocuments(realworld) : [];
  const engines = [celJs, marc, bareBufbuild(), defaultEngine];
  const rows = engines.map((e) => measure(e, rules, table, gateway, istio));

  const header = [
    "engine",
    "rules parsed",
    "rules compiled/checked",
    "hand-written cases correct",
    "GW API valid-example rule evaluations true",
    "GW API valid examples accepted",
    "GW API CEL-invalid examples rejected with the expected error",
    "Istio valid-testdata rule evaluations true",
    "Istio valid documents accepted",
    "Istio CEL-invalid documents rejected with the expected error",
    "ms per compile",
    "µs per evaluation",
  ];
  console.log(`## CEL engines on the x-kubernetes-validations rules of schemas/crds (${rules.length} distinct expressions)\n`);
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => " --- ").join("|")}|`);
  for (const row of rows) console.log(`| ${row.engine} | ${row.cells.join(" | ")} |`);
  console.log();
  console.log("- Out of the box: only @bufbuild/cel gets meshlint's Kubernetes library (isIP, url(), format.*, quantity, lists, sets, regex, strings ext, Go durations); the others run as published.");
  console.log("- \"compiled/checked\": cel-js and bare @bufbuild/cel only parse; @marcbachmann/cel-js runs its own `check()` (undeclared variables as dyn); meshlint's engine checks functions, variables and regex/duration literals.");
  console.log(`- Hand-written cases: ${table.length} (rule, self, expected) triples on ${new Set(table.map((c) => c.rule)).size} real rules at their schema nodes; expected is true, false, or an evaluation error where the apiserver errors (an error fails the rule). cel-js receives ints as JS numbers.`);
  if (hasRealworld) {
    const count = (docs: readonly Document[], valid: boolean) => docs.filter((d) => d.valid === valid).length;
    console.log(
      `- Real-world (${realworld}): Gateway API examples ${count(gateway, true)} valid / ${count(gateway, false)} rejected by CEL upstream; Istio validation test data ${count(istio, true)} valid / ${count(istio, false)} rejected by CEL. Schema defaults are applied first, transition rules skipped; a valid document must pass every rule, an invalid one must fail with an apiserver-style error (\`<path>: Invalid value: "<type>": <message>\`, or \`<error> evaluating rule: <message>\` when the rule cannot be evaluated) containing the expected text.`,
    );
  } else {
    console.log(`- No real-world corpus at ${realworld}; pass its path as the first argument.`);
  }
  if (verbose) {
    console.log(`\n### Mismatches of ${defaultEngine.name}\n`);
    printMismatches(defaultEngine, table, [...gateway, ...istio]);
  }
}

main();
