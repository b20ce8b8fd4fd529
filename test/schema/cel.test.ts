import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CrdDefinition } from "../../src/schema/crd.js";
import type { SchemaNode } from "../../src/schema/convert.js";
import { celValue, defaultEngine, escapeCelPropertyName, type CelOutcome } from "../../src/schema/cel/engine.js";

const CRD_DIR = join(import.meta.dirname, "..", "..", "schemas", "crds");

const readBundle = (file: string) =>
  JSON.parse(readFileSync(join(CRD_DIR, file), "utf8")) as { crds: CrdDefinition[] };

interface ExpressionSite {
  readonly expression: string;
  readonly kind: "rule" | "messageExpression";
  readonly where: string;
}

function collectExpressions(): ExpressionSite[] {
  const sites: ExpressionSite[] = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${where}[${i}]`));
      return;
    }
    if (typeof node !== "object" || node === null) return;
    for (const validation of (node as SchemaNode)["x-kubernetes-validations"] ?? []) {
      sites.push({ expression: validation.rule, kind: "rule", where });
      if (validation.messageExpression !== undefined) {
        sites.push({ expression: validation.messageExpression, kind: "messageExpression", where });
      }
    }
    for (const [key, child] of Object.entries(node)) if (key !== "x-kubernetes-validations") walk(child, `${where}/${key}`);
  };
  for (const file of readdirSync(CRD_DIR).filter((f) => f.endsWith(".json"))) walk(readBundle(file), file);
  return sites;
}

function run(expression: string, self: unknown): CelOutcome {
  const compiled = defaultEngine.compile(expression);
  if ("error" in compiled) throw new Error(`${expression} does not compile: ${compiled.error}`);
  return compiled.evaluate({ self });
}

/** The value of an expression that must evaluate without error. */
function value(expression: string, self: unknown = null): unknown {
  const outcome = run(expression, self);
  if ("error" in outcome) throw new Error(`${expression} failed: ${outcome.error}`);
  return outcome.value;
}

/** The evaluation error of an expression that must fail at run time. */
function evaluationError(expression: string, self: unknown = null): string {
  const outcome = run(expression, self);
  if (!("error" in outcome)) throw new Error(`${expression} evaluated to ${String(outcome.value)}`);
  return outcome.error;
}

function compileError(expression: string): string | undefined {
  const compiled = defaultEngine.compile(expression);
  return "error" in compiled ? compiled.error : undefined;
}

describe("every CEL expression in the bundled CRDs", () => {
  const sites = collectExpressions();
  const distinct = [...new Map(sites.map((s) => [s.expression, s])).values()];
  /** Rules comparing with the previous object; the apiserver only runs them on update. */
  const TRANSITION_RULES = ["self == oldSelf"];

  it("covers all bundles", () => {
    expect(distinct.filter((s) => s.kind === "rule").length).toBeGreaterThanOrEqual(130);
    const files = [...new Set(sites.map((s) => s.where.split("/")[0]))];
    expect(files).toEqual(
      expect.arrayContaining(["gateway-api-v1.1.1-linkerd.json", "gateway-api-v1.6.1-experimental.json", "gateway-api-v1.6.1-standard.json", "istio-1.30.3.json"]),
    );
  });

  it("lists every transition rule explicitly", () => {
    const usingOldSelf = distinct.filter((s) => /\boldSelf\b/.test(s.expression)).map((s) => s.expression);
    expect(usingOldSelf.sort()).toEqual([...TRANSITION_RULES].sort());
  });

  it.each(distinct.map((s) => [s.expression.replace(/\s+/g, " ").slice(0, 90), s] as const))("compiles: %s", (_, site) => {
    expect(compileError(site.expression)).toBeUndefined();
  });

  it("evaluates the transition rules with oldSelf bound", () => {
    const compiled = defaultEngine.compile("self == oldSelf");
    if ("error" in compiled) throw new Error(compiled.error);
    expect(compiled.evaluate({ self: "a", oldSelf: "a" })).toEqual({ value: true });
    expect(compiled.evaluate({ self: "a", oldSelf: "b" })).toEqual({ value: false });
  });
});

describe("compile-time checks the apiserver also makes", () => {
  it("rejects syntax errors, unknown functions and variables", () => {
    expect(compileError("self.a ==")).toBeDefined();
    expect(compileError("nosuch(self)")).toMatch(/nosuch/);
    expect(compileError("self.noSuchMethod()")).toMatch(/noSuchMethod/);
    expect(compileError("format.noSuchFormat().validate(self)")).toMatch(/format\.noSuchFormat/);
    expect(compileError("isIP(self, self)")).toMatch(/isIP/);
    expect(compileError("other.size() > 0")).toMatch(/undeclared reference to 'other'/);
    expect(compileError("self.all(x, x > y)")).toMatch(/'y'/);
  });

  it("rejects invalid regex and duration literals", () => {
    expect(compileError("self.matches('[')")).toMatch(/matches/);
    expect(compileError("self.find('(?<')")).toBeDefined();
    expect(compileError("duration(self) > duration('1 hour')")).toMatch(/duration/);
    expect(compileError("self.matches(self)")).toBeUndefined();
    expect(compileError("matches(self, '(')")).toMatch(/matches/);
    expect(compileError("timestamp(self) > timestamp('2024-01-01T00:00:00')")).toMatch(/timestamp/);
  });

  it("accepts macros, comprehension variables and type names", () => {
    expect(compileError("self.exists(x, x.all(y, y > 0))")).toBeUndefined();
    expect(compileError("self.map(x, x * 2).filter(y, y > 2).size() > 0")).toBeUndefined();
    expect(compileError("type(self) == string || type(self) == int")).toBeUndefined();
  });
});

describe("engine", () => {
  it("reuses a compiled program across evaluations", () => {
    const compiled = defaultEngine.compile("self.size() > 1");
    if ("error" in compiled) throw new Error(compiled.error);
    expect(compiled.evaluate({ self: "ab" })).toEqual({ value: true });
    expect(compiled.evaluate({ self: "a" })).toEqual({ value: false });
    expect(compiled.evaluate({ self: [1n, 2n] })).toEqual({ value: true });
  });

  it("returns errors instead of throwing", () => {
    expect(evaluationError("self.missing == 1", {})).toMatch(/missing/);
    expect(evaluationError("1 / self == 0", 0n)).toMatch(/divi/);
    expect(evaluationError("int(self) > 0", "abc")).toBeDefined();
    const compiled = defaultEngine.compile("self == 1");
    if ("error" in compiled) throw new Error(compiled.error);
    expect(compiled.evaluate({ self: () => 1 })).toHaveProperty("error");
    expect(compiled.evaluate({ self: Symbol("x") })).toHaveProperty("error");
  });

  it("returns plain JS values", () => {
    expect(value("[1, 2.5, 'x', true, null, {'k': [1u]}]")).toEqual([1n, 2.5, "x", true, null, { k: [1n] }]);
    expect(value("duration('90s')")).toBe("90s");
    expect(value("timestamp('2024-01-02T03:04:05Z')")).toBe("2024-01-02T03:04:05Z");
  });

  it("follows CEL error semantics in logical operators", () => {
    expect(value("int(self) > 0 && false", "abc")).toBe(false);
    expect(value("true || int(self) > 0", "abc")).toBe(true);
    expect(evaluationError("int(self) > 0 && true", "abc")).toBeDefined();
  });

  it("uses RE2 semantics for matches", () => {
    expect(value("self.matches('^(?i)abc$')", "ABC")).toBe(true);
    expect(value("self.matches('b')", "abc")).toBe(true);
    expect(value("self.matches('^b')", "abc")).toBe(false);
    expect(value(String.raw`self.matches('^\\pL+$')`, "héllo")).toBe(true);
    expect(evaluationError("'a'.matches(self)", "(")).toBeDefined();
    expect(value("matches(self, '^[a-z]+$')", "abc")).toBe(true);
  });

  it("converts strings as cel-go's strconv does", () => {
    expect(value("int(self)", "-42")).toBe(-42n);
    expect(value("int(self)", "+7")).toBe(7n);
    for (const bad of ["", " 1", "0x1f", "1.0", "9223372036854775808"]) {
      expect(evaluationError("int(self)", bad)).toBe("type conversion error from 'string' to 'int'");
    }
    expect(value("uint(self)", "18446744073709551615")).toBe(18446744073709551615n);
    expect(evaluationError("uint(self)", "-1")).toMatch(/to 'uint'/);
    expect(value("double(self)", "1.5e3")).toBe(1500);
    expect(value("double(self) > 1e308", "+Inf")).toBe(true);
    expect(evaluationError("double(self)", "")).toMatch(/to 'double'/);
    expect(value("bool('T') && !bool('F')")).toBe(true);
    expect(evaluationError("bool(self)", "yes")).toMatch(/to 'bool'/);
  });

  it("words runtime errors as cel-go does", () => {
    expect(evaluationError("self.missing == 1", {})).toBe("no such key: missing");
    expect(evaluationError("self[3] == 1", [1n])).toBe("index out of bounds: 3");
    expect(evaluationError("1 / self == 0", 0n)).toBe("division by zero");
    expect(evaluationError("self + 1 > 0", 9223372036854775807n)).toBe("integer overflow");
  });

  it("parses durations as Go does", () => {
    expect(value("duration(self) == duration('1h30m')", "90m")).toBe(true);
    expect(value("duration(self) < duration('1ms')", "999us")).toBe(true);
    expect(value("duration(self) == duration('1.5s')", "1500ms")).toBe(true);
    expect(evaluationError("duration(self) > duration('0s')", "")).toMatch(/invalid duration/);
    expect(evaluationError("duration(self) > duration('0s')", "+")).toMatch(/invalid duration/);
    expect(evaluationError("duration(self) > duration('0s')", "10")).toMatch(/missing unit/);
    expect(evaluationError("duration(self) > duration('0s')", "1d")).toMatch(/unknown unit/);
  });
});

describe("celValue", () => {
  const object = (properties: Record<string, SchemaNode>, extra: SchemaNode = {}): SchemaNode => ({
    type: "object",
    properties,
    ...extra,
  });

  it("escapes property names as Kubernetes does", () => {
    const cases: [string, string | undefined][] = [
      ["name", "name"],
      ["namespace", "__namespace__"],
      ["in", "__in__"],
      ["x-y", "x__dash__y"],
      ["a.b/c", "a__dot__b__slash__c"],
      ["a__b", "a__underscores__b"],
      ["_x", "_x"],
      ["1abc", undefined],
      ["a b", undefined],
      ["héllo", undefined],
      ["", undefined],
    ];
    for (const [name, escaped] of cases) expect(escapeCelPropertyName(name), name).toBe(escaped);
  });

  it("types scalars by the schema", () => {
    expect(celValue(5, { type: "integer" })).toBe(5n);
    expect(celValue(5, { type: "number" })).toBe(5);
    expect(value("type(self) == double", celValue(5, { type: "number" }))).toBe(true);
    expect(value("self == 5 && type(self) == int", celValue(5, { type: "integer" }))).toBe(true);
    expect(celValue(true, { type: "boolean" })).toBe(true);
    expect(celValue(null, { type: ["string", "null"] })).toBeNull();
  });

  it("gives int-or-string fields an int or a string", () => {
    const schema: SchemaNode = { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] };
    expect(celValue(8080, schema)).toBe(8080n);
    expect(celValue("http", schema)).toBe("http");
    expect(value("type(self) == int ? self > 0 : self.size() > 0", celValue(80, schema))).toBe(true);
  });

  it("exposes declared, non-null properties under escaped names", () => {
    const schema = object({ namespace: { type: "string" }, "x-y": { type: "integer" }, gone: { type: ["string", "null"] } });
    const self = celValue({ namespace: "ns", "x-y": 1, gone: null, unknown: "u" }, schema);
    expect(self).toEqual({ __namespace__: "ns", x__dash__y: 1n });
    expect(value("self.__namespace__ == 'ns' && !has(self.gone) && self.x__dash__y == 1", self)).toBe(true);
  });

  it("keeps map keys as written", () => {
    const schema: SchemaNode = { type: "object", additionalProperties: { type: "integer" } };
    const self = celValue({ "my-key": 1, namespace: 2 }, schema);
    expect(self).toEqual({ "my-key": 1n, namespace: 2n });
    expect(value("self.all(k, k in ['my-key', 'namespace']) && self['my-key'] == 1", self)).toBe(true);
  });

  it("types list items, formats and preserved unknown fields", () => {
    expect(celValue([1, 2], { type: "array", items: { type: "integer" } })).toEqual([1n, 2n]);
    expect(value("self > duration('1m')", celValue("90s", { type: "string", format: "duration" }))).toBe(true);
    expect(value("self.getFullYear() == 2024", celValue("2024-02-29", { type: "string", format: "date" }))).toBe(true);
    expect(value("self == b'hello'", celValue("aGVsbG8=", { type: "string", format: "byte" }))).toBe(true);
    const open: SchemaNode = { type: "object", "x-kubernetes-preserve-unknown-fields": true };
    expect(value("self.a.b == 1 && self.c == 1.5", celValue({ a: { b: 1 }, c: 1.5 }, open))).toBe(true);
  });

  it("gives embedded resources their type and object meta", () => {
    const schema: SchemaNode = { type: "object", "x-kubernetes-embedded-resource": true, properties: { spec: { type: "object", properties: {} } } };
    const self = celValue({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", labels: { a: "b" } }, spec: {} }, schema);
    expect(self).toEqual({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: {} });
  });
});

describe("Kubernetes IP library", () => {
  it.each([
    ["127.0.0.1", true],
    ["255.255.255.255", true],
    ["::1", true],
    ["2001:db8::abcd", true],
    ["::", true],
    ["::1.2.3.4", true],
    ["1:2:3:4:5:6:7:8", true],
    ["127.0.0.256", false],
    ["192.168.01.1", false],
    ["01.2.3.4", false],
    ["1.2.3", false],
    ["1.2.3.4.5", false],
    ["1..2.3", false],
    [":::1", false],
    ["1::2::3", false],
    ["12345::", false],
    ["1:2:3:4:5:6:7:8:9", false],
    ["1:2:3:4:5:6:7::8", false],
    ["::ffff:1.2.3.4", false],
    ["fe80::1%eth0", false],
    ["", false],
    ["example.com", false],
  ])("isIP(%j) is %s", (input, expected) => {
    expect(value("isIP(self)", input)).toBe(expected);
  });

  it("describes addresses", () => {
    expect(value("ip('127.0.0.1').family()")).toBe(4n);
    expect(value("ip('::1').family()")).toBe(6n);
    expect(value("ip('0.0.0.0').isUnspecified() && ip('::').isUnspecified() && !ip('::1').isUnspecified()")).toBe(true);
    expect(value("ip('127.0.0.1').isLoopback() && ip('::1').isLoopback() && !ip('2001:db8::abcd').isLoopback()")).toBe(true);
    expect(value("ip('224.0.0.1').isLinkLocalMulticast() && !ip('224.0.1.1').isLinkLocalMulticast()")).toBe(true);
    expect(value("ip('ff02::1').isLinkLocalMulticast() && !ip('fd00::1').isLinkLocalMulticast()")).toBe(true);
    expect(value("ip('169.254.169.254').isLinkLocalUnicast() && ip('fe80::1').isLinkLocalUnicast()")).toBe(true);
    expect(value("!ip('192.168.0.1').isLinkLocalUnicast() && !ip('fd80::1').isLinkLocalUnicast()")).toBe(true);
    expect(value("ip('192.168.0.1').isGlobalUnicast() && ip('2001:db8::abcd').isGlobalUnicast()")).toBe(true);
    expect(value("!ip('255.255.255.255').isGlobalUnicast() && !ip('ff00::1').isGlobalUnicast()")).toBe(true);
  });

  it("compares and prints canonical forms", () => {
    expect(value("ip.isCanonical('127.0.0.1') && ip.isCanonical('2001:db8::abcd')")).toBe(true);
    expect(value("ip.isCanonical('2001:DB8::ABCD') || ip.isCanonical('2001:db8::0:0:0:abcd')")).toBe(false);
    expect(value("string(ip('2001:db8:0:0:0:0:0:1'))")).toBe("2001:db8::1");
    expect(value("string(ip('2001:0:0:1:0:0:0:1'))")).toBe("2001:0:0:1::1");
    expect(value("ip('2001:db8::1') == ip('2001:DB8:0::1')")).toBe(true);
    expect(value("ip('1.2.3.4') == ip('1.2.3.5')")).toBe(false);
    expect(evaluationError("ip(self)", "1.2.3.04")).toMatch(/leading zero/);
  });
});

describe("Kubernetes CIDR library", () => {
  it.each([
    ["192.168.0.0/16", true],
    ["192.168.0.1/24", true],
    ["::1/128", true],
    ["0.0.0.0/0", true],
    ["192.168.0.0/33", false],
    ["::1/129", false],
    ["10.0.0.0/08", false],
    ["10.0.0.0/-1", false],
    ["10.0.0.0", false],
    ["010.0.0.0/8", false],
    ["::ffff:1.2.3.4/120", false],
  ])("isCIDR(%j) is %s", (input, expected) => {
    expect(value("isCIDR(self)", input)).toBe(expected);
  });

  it("answers containment and masks", () => {
    expect(value("cidr('192.168.0.0/24').containsIP(ip('192.168.0.1'))")).toBe(true);
    expect(value("cidr('192.168.0.0/24').containsIP('192.168.1.1')")).toBe(false);
    expect(value("cidr('192.168.0.0/16').containsCIDR(cidr('192.168.10.0/24'))")).toBe(true);
    expect(value("cidr('192.168.1.0/24').containsCIDR('192.168.2.0/24')")).toBe(false);
    expect(value("cidr('192.168.0.0/24').containsCIDR('192.168.0.0/16')")).toBe(false);
    expect(value("cidr('::/0').containsIP('1.2.3.4')")).toBe(false);
    expect(value("string(cidr('192.168.0.1/24').ip())")).toBe("192.168.0.1");
    expect(value("cidr('::1/128').ip().family()")).toBe(6n);
    expect(value("string(cidr('192.168.0.1/24').masked())")).toBe("192.168.0.0/24");
    expect(value("cidr('192.168.0.0/24') == cidr('192.168.0.0/24').masked()")).toBe(true);
    expect(value("cidr('192.168.0.1/24') == cidr('192.168.0.1/24').masked()")).toBe(false);
    expect(value("cidr('192.168.0.0/16').prefixLength()")).toBe(16n);
  });
});

describe("Kubernetes URL library", () => {
  it.each([
    ["https://user:pass@example.com:80/path?query=val#fragment", true],
    ["/absolute-path", true],
    ["http://[::1]:8080/x", true],
    ["oci://registry/image:tag", true],
    ["mailto:someone@example.com", true],
    ["*", true],
    ["https://a:b:c/", false],
    ["../relative-path", false],
    ["example.com/path", false],
    ["", false],
    ["http://exa mple.com/", false],
    ["http://example.com/%zz", false],
    ["http://[::1/", false],
    ["http://a\tb/", false],
  ])("isURL(%j) is %s", (input, expected) => {
    expect(value("isURL(self)", input)).toBe(expected);
  });

  it("returns URL parts as Go's net/url does", () => {
    expect(value("url('/path').getScheme()")).toBe("");
    expect(value("url('HTTPS://example.com/').getScheme()")).toBe("https");
    expect(value("url('https://example.com:80/').getHost()")).toBe("example.com:80");
    expect(value("url('https://[::1]:80/').getHost()")).toBe("[::1]:80");
    expect(value("url('https://[::1]:80/').getHostname()")).toBe("::1");
    expect(value("url('https://127.0.0.1:80/').getHostname()")).toBe("127.0.0.1");
    expect(value("url('https://example.com:80/').getPort()")).toBe("80");
    expect(value("url('https://example.com/').getPort()")).toBe("");
    expect(value("url('/path').getHost()")).toBe("");
    expect(value("url('https://example.com/path').getEscapedPath()")).toBe("/path");
    expect(value("url('https://example.com/path with spaces/').getEscapedPath()")).toBe("/path%20with%20spaces/");
    expect(value("url('https://example.com/a%2Fb').getEscapedPath()")).toBe("/a%2Fb");
    expect(value("url('https://example.com').getEscapedPath()")).toBe("");
    expect(value("url('https://example.com/path?k1=a&k2=b&k2=c').getQuery()")).toEqual({ k1: ["a"], k2: ["b", "c"] });
    expect(value("url('https://example.com/path?key with spaces=value with spaces').getQuery()")).toEqual({
      "key with spaces": ["value with spaces"],
    });
    expect(value("url('https://example.com/path?a=%41+b').getQuery()")).toEqual({ a: ["A b"] });
    expect(value("url('https://example.com/path?').getQuery()")).toEqual({});
    expect(value("url('https://example.com/#frag').getEscapedPath()")).toBe("/");
    // Go reads `host:port/x` as scheme `host` with an opaque part.
    expect(value("url('localhost:5000/foo').getScheme()")).toBe("localhost");
    expect(evaluationError("url(self)", "../x")).toMatch(/URL parse error/);
  });
});

describe("Kubernetes format library", () => {
  const errors = (format: string, input: string) => value(`format.${format}().validate(self).orValue([])`, input) as string[];

  it.each([
    ["dns1123Label", "my-name", true],
    ["dns1123Label", "123-abc", true],
    ["dns1123Label", "a".repeat(63), true],
    ["dns1123Label", "a".repeat(64), false],
    ["dns1123Label", "My-Name", false],
    ["dns1123Label", "-name", false],
    ["dns1123Label", "my.name", false],
    ["dns1123Label", "", false],
    ["dns1123Subdomain", "apiextensions.k8s.io", true],
    ["dns1123Subdomain", "a..b", false],
    ["dns1123Subdomain", `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(62)}`, false],
    ["dns1035Label", "my-label-name", true],
    ["dns1035Label", "1abc", false],
    ["qualifiedName", "apiextensions.k8s.io/v1beta1", true],
    ["qualifiedName", "MyName", true],
    ["qualifiedName", "/MyName", false],
    ["qualifiedName", "a/b/c", false],
    ["qualifiedName", "Example.com/x", false],
    ["dns1123LabelPrefix", "my-label-prefix-", true],
    ["dns1123SubdomainPrefix", "mysubdomain.prefix.-", true],
    ["dns1035LabelPrefix", "my-label-prefix-", true],
    ["dns1123Label", "my-label-prefix-", false],
    ["labelValue", "", true],
    ["labelValue", "my_value.1", true],
    ["labelValue", "-bad", false],
    ["uri", "http://example.com", true],
    ["uri", "not a uri", false],
    ["uuid", "123e4567-e89b-12d3-a456-426614174000", true],
    ["uuid", "123E4567E89B12D3A456426614174000", true],
    ["uuid", "123e4567-e89b-12d3-a456", false],
    ["byte", "aGVsbG8=", true],
    ["byte", "aGVsbG8", false],
    ["date", "2021-01-01", true],
    ["date", "2024-02-29", true],
    ["date", "2021-02-29", false],
    ["date", "2021-1-01", false],
    ["datetime", "2021-01-01T00:00:00Z", true],
    ["datetime", "2021-01-01T23:59:59.123+02:00", true],
    ["datetime", "2021-01-01T24:00:00Z", false],
    ["datetime", "2021-01-01 00:00:00Z", false],
  ])("format.%s() on %j: valid=%s", (format, input, valid) => {
    expect(value(`format.${format}().validate(self).hasValue()`, input)).toBe(!valid);
    expect(errors(format, input).length === 0).toBe(valid);
  });

  it("behaves like Kubernetes' optional", () => {
    expect(errors("dns1123Label", "My-Name")[0]).toMatch(/RFC 1123 label/);
    expect(errors("dns1123Label", "my.name")).toEqual(["must not contain dots"]);
    expect(value("format.dns1123Label().validate('MY').value().size() > 0")).toBe(true);
    expect(evaluationError("format.dns1123Label().validate('ok').value()")).toMatch(/optional.none/);
    expect(value("format.named('dns1123Label').hasValue() && !format.named('nope').hasValue()")).toBe(true);
    expect(value("format.named('labelValue').value().validate('a b').hasValue()")).toBe(true);
    expect(value("format.named('nope').orValue(format.uuid()).validate('x').hasValue()")).toBe(true);
    // An optional never equals null in cel-go, valid value or not.
    expect(value("format.dns1123Label().validate('ok') == null")).toBe(false);
    expect(value("format.dns1123Label().validate('ok') == format.dns1123Label().validate('fine')")).toBe(true);
  });
});

describe("Kubernetes quantity library", () => {
  it.each([
    ["500m", true],
    ["1Gi", true],
    ["1.5Gi", true],
    ["1.3G", true],
    ["10000k", true],
    ["1e3", true],
    ["-1.5", true],
    ["+2", true],
    ["1.", true],
    ["0", true],
    ["200K", false],
    ["1,3G", false],
    ["Three", false],
    ["10Mo", false],
    ["10Mm", false],
    ["1e", false],
    ["", false],
    [" 1", false],
  ])("isQuantity(%j) is %s", (input, expected) => {
    expect(value("isQuantity(self)", input)).toBe(expected);
  });

  it("compares quantities by value", () => {
    expect(value("quantity('500m') == quantity('0.5')")).toBe(true);
    expect(value("quantity('1Gi') == quantity('1073741824')")).toBe(true);
    expect(value("quantity('200M') == quantity('0.2G') && quantity('2000k') == quantity('2M')")).toBe(true);
    expect(value("quantity('200M') == quantity('0.3G')")).toBe(false);
    expect(value("quantity('50M').isLessThan(quantity('50Mi'))")).toBe(true);
    expect(value("quantity('150Mi').isGreaterThan(quantity('100Mi'))")).toBe(true);
    expect(value("quantity('1Gi').isGreaterThan(quantity('1G'))")).toBe(true);
    expect(value("quantity('200M').compareTo(quantity('0.2G'))")).toBe(0n);
    expect(value("quantity('50M').compareTo(quantity('50Mi'))")).toBe(-1n);
    expect(value("quantity('500m').isLessThan(quantity('1'))")).toBe(true);
  });

  it("does arithmetic and conversions", () => {
    expect(value("quantity('50k').add(quantity('20')) == quantity('50.02k')")).toBe(true);
    expect(value("quantity('50k').add(20).isLessThan(quantity('50020'))")).toBe(false);
    expect(value("quantity('50k').sub(20) == quantity('49980')")).toBe(true);
    expect(value("quantity('50k').mul(2) == quantity('100000')")).toBe(true);
    expect(value("quantity('10k').div(2) == quantity('5000')")).toBe(true);
    expect(value("quantity('10000').divInt(3) == quantity('3333')")).toBe(true);
    expect(value("quantity('10000').div(3).asApproximateFloat()")).toBeCloseTo(3333.3333, 4);
    expect(value("quantity('50k').add(20).sub(quantity('100k')).sub(-50000).asInteger()")).toBe(20n);
    expect(value("quantity('50.703k').asApproximateFloat()")).toBe(50703);
    expect(value("quantity('50k').asInteger()")).toBe(50000n);
    expect(value("quantity('-2').sign() == -1 && sign(quantity('0')) == 0")).toBe(true);
    expect(evaluationError("quantity('9999999999999999999999999999999999999G').asInteger()")).toMatch(/cannot convert/);
    expect(evaluationError("quantity('1').div(0)")).toMatch(/division by zero/);
  });

  it("answers isInteger from apimachinery's representation", () => {
    expect(value("quantity('50k').isInteger() && quantity('1Gi').isInteger()")).toBe(true);
    expect(value("quantity('9999999999999999999999999999999999999G').isInteger()")).toBe(false);
    // 1000m is held as 1000×10⁻³ and 1.5Gi as an inf.Dec: neither converts to int64 in Kubernetes.
    expect(value("quantity('1000m').isInteger()")).toBe(false);
    expect(value("quantity('1.5Gi').isInteger()")).toBe(false);
  });

  it("reports parse errors like apimachinery", () => {
    expect(evaluationError("quantity('10Mo')")).toMatch(/quantities must match the regular expression/);
    expect(evaluationError("quantity('10Mm')")).toMatch(/unable to parse quantity's suffix/);
  });
});

describe("Kubernetes lists and sets libraries", () => {
  it("sorts, sums and finds", () => {
    expect(value("[1, 2, 3].isSorted() && ['a', 'b', 'b', 'c'].isSorted() && [].isSorted()")).toBe(true);
    expect(value("[2.0, 1.0].isSorted()")).toBe(false);
    expect(value("[1, 3].sum()")).toBe(4n);
    expect(value("[1.0, 3.5].sum()")).toBe(4.5);
    expect(value("[duration('1m'), duration('1s')].sum() == duration('61s')")).toBe(true);
    expect(value("[].sum()")).toBe(0n);
    expect(evaluationError("[9223372036854775807, 1].sum()")).toMatch(/overflow/);
    expect(value("[1, 3].min()")).toBe(1n);
    expect(value("['b', 'a', 'c'].max()")).toBe("c");
    expect(evaluationError("[].min()")).toMatch(/empty list/);
    expect(value("[1, 2, 2, 3].indexOf(2)")).toBe(1n);
    expect(value("['a', 'b', 'b', 'c'].lastIndexOf('b')")).toBe(2n);
    expect(value("[1.0].indexOf(1.1)")).toBe(-1n);
    expect(value("[1, 2].indexOf(2.0)")).toBe(1n);
    expect(value("[1, 2, 3].includes(2) && 'model-a'.includes('model-a') && !'model-a'.includes('model-b')")).toBe(true);
  });

  it("compares lists as sets", () => {
    expect(value("sets.contains([1, 2, 3, 4], [2, 3])")).toBe(true);
    expect(value("sets.contains([1, 2], [3])")).toBe(false);
    expect(value("sets.contains([1], [])")).toBe(true);
    expect(value("sets.equivalent([1, 2, 3], [3, 2, 1, 1])")).toBe(true);
    expect(value("sets.equivalent([1], [1.0, 2])")).toBe(false);
    expect(value("sets.intersects([1, 2], [2, 3])")).toBe(true);
    expect(value("sets.intersects([[1]], [[2]])")).toBe(false);
  });
});

describe("Kubernetes regex library and the strings extension", () => {
  it("finds with RE2, never backtracking: a repository CRD's find/findAll on a hostile value answers at once (regression)", () => {
    // In JavaScript's engine `(a+)+$` against 40 a's and a `!` takes longer than the test timeout; RE2 is linear.
    const hostile = `${"a".repeat(40)}!`;
    expect(value("self.find('(a+)+$')", hostile)).toBe("");
    expect(value("self.findAll('(a|aa)+b')", hostile)).toEqual([]);
    expect(value("self.matches('^(a+)+$')", hostile)).toBe(false);
  });

  it("finds matches as Go's regexp does", () => {
    expect(value("'abc 123'.find('[0-9]+')")).toBe("123");
    expect(value("'abc 123'.find('xyz')")).toBe("");
    expect(value("'123 abc 456'.findAll('[0-9]+')")).toEqual(["123", "456"]);
    expect(value("'123 abc 456'.findAll('[0-9]+', 1)")).toEqual(["123"]);
    expect(value("'123 abc 456'.findAll('xyz')")).toEqual([]);
    // Go allows empty matches except directly after a previous match.
    expect(value("'ab1'.findAll('[0-9]*')")).toEqual(["", "", "1"]);
    expect(value("'Hello World'.find('(?i)WORLD')")).toBe("World");
    expect(value(String.raw`'a.b-c'.findAll('[[:alpha:]]')`)).toEqual(["a", "b", "c"]);
    expect(value(String.raw`'x1 y22'.findAll('\\pL\\d+')`)).toEqual(["x1", "y22"]);
    expect(value(String.raw`'first\nsecond'.findAll('(?m)^\\w+$')`)).toEqual(["first", "second"]);
    expect(value(String.raw`'a\nb'.find('a.b')`)).toBe("");
    expect(value(String.raw`'a\nb'.find('(?s)a.b')`)).toBe("a\nb");
    expect(value("'ab'.find('a|ab')")).toBe("a");
  });

  it("finds in linear time: a pattern that backtracks in JavaScript answers at once (regression)", () => {
    // (a|aa)+c against 40 a's and a b: a backtracking engine tries every split of the a's (Fibonacci(40) paths).
    const text = `${"a".repeat(40)}b`;
    expect(value(`'${text}'.find('(a|aa)+c')`)).toBe("");
    expect(value(`'${text}c'.findAll('(a|aa)+c')`)).toEqual([]);
    expect(value(`'${"a".repeat(40)}c'.find('(a|aa)+c')`)).toBe(`${"a".repeat(40)}c`);
  });

  it("provides cel-go's string functions", () => {
    expect(value("'Hello'.lowerAscii() + 'x'.upperAscii()")).toBe("helloX");
    expect(value("'a,b,c'.split(',')")).toEqual(["a", "b", "c"]);
    expect(value("'prefix/name'.split('/')[0].size()")).toBe(6n);
    expect(value("'hello'.substring(1, 3) + 'hello'.substring(3)")).toBe("ello");
    expect(value("'  x  '.trim()")).toBe("x");
    expect(value("['a', 'b'].join('-')")).toBe("a-b");
    expect(value("'banana'.indexOf('an') == 1 && 'banana'.lastIndexOf('an') == 3")).toBe(true);
    expect(value("'abc'.charAt(1)")).toBe("b");
    expect(value("'a-b-c'.replace('-', '+', 1)")).toBe("a+b-c");
  });
});

/** The schema node at a dotted path in a CRD version (`[]` steps into list items, `{}` into map values). */
function schemaNode(bundleFile: string, kind: string, version: string, path: string): SchemaNode {
  const crd = readBundle(bundleFile).crds.find((c) => c.kind === kind);
  let node = crd?.versions.find((v) => v.name === version)?.schema;
  for (const step of path.split(".").filter(Boolean)) {
    const [name, suffix] = /^([^[{]*)(.*)$/.exec(step)!.slice(1) as [string, string];
    if (name !== "") node = node?.properties?.[name];
    for (const wrapper of suffix.match(/\[\]|\{\}/g) ?? []) {
      node = wrapper === "[]" ? node?.items : (node?.additionalProperties as SchemaNode | undefined);
    }
  }
  if (!node) throw new Error(`no schema node ${kind}/${version} ${path}`);
  return node;
}

/** The messages of the node's rules that the data breaks (false or evaluation error), as the apiserver reports. */
function violations(node: SchemaNode, data: unknown): string[] {
  const self = celValue(data, node);
  const out: string[] = [];
  for (const validation of node["x-kubernetes-validations"] ?? []) {
    const compiled = defaultEngine.compile(validation.rule);
    if ("error" in compiled) throw new Error(`${validation.rule}: ${compiled.error}`);
    const outcome = compiled.evaluate({ self });
    if ("error" in outcome) out.push(`error: ${outcome.error}`);
    else if (outcome.value !== true) out.push(validation.message ?? validation.rule);
  }
  return out;
}

describe("real Gateway API rules", () => {
  const STANDARD = "gateway-api-v1.6.1-standard.json";
  const EXPERIMENTAL = "gateway-api-v1.6.1-experimental.json";

  it("HTTPRoute path values", () => {
    const path = schemaNode(STANDARD, "HTTPRoute", "v1", "spec.rules[].matches[].path");
    expect(violations(path, { type: "PathPrefix", value: "/api/v1" })).toEqual([]);
    expect(violations(path, { type: "Exact", value: "/a%20b" })).toEqual([]);
    expect(violations(path, { type: "RegularExpression", value: "^/v[0-9]+//x" })).toEqual([]);
    expect(violations(path, { type: "PathPrefix", value: "api" })).toEqual([
      "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
    ]);
    expect(violations(path, { type: "Exact", value: "/a//b" })).toContain("must not contain '//' when type one of ['Exact', 'PathPrefix']");
    expect(violations(path, { type: "Exact", value: "/a/.." })).toContain("must not end with '/..' when type one of ['Exact', 'PathPrefix']");
    expect(violations(path, { type: "Exact", value: "/a%2Fb" })).toContain("must not contain '%2F' when type one of ['Exact', 'PathPrefix']");
    expect(violations(path, { type: "PathPrefix", value: "/a b" })).toEqual([
      "must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']",
    ]);
    expect(violations(path, { type: "Glob", value: "/x" })).toEqual(["type must be one of ['Exact', 'PathPrefix', 'RegularExpression']"]);
  });

  it("GRPCRoute method matches with the case-insensitive (?i) service pattern", () => {
    const method = schemaNode(STANDARD, "GRPCRoute", "v1", "spec.rules[].matches[].method");
    expect(violations(method, { type: "Exact", service: "com.Example.Greeter", method: "SayHello" })).toEqual([]);
    expect(violations(method, { service: "FOO.BAR_baz" })).toEqual([]);
    expect(violations(method, { type: "RegularExpression", service: "foo.*" })).toEqual([]);
    expect(violations(method, { type: "Exact", service: "com..Greeter" })).toEqual([
      "service must only contain valid characters (matching ^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$)",
    ]);
    expect(violations(method, { type: "Exact", method: "Say-Hello" })).toEqual([
      "method must only contain valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$)",
    ]);
    expect(violations(method, { type: "Exact" })).toEqual(["One or both of 'service' or 'method' must be specified"]);
  });

  it("HTTPRoute rules that index into matches inside has()", () => {
    const rule = schemaNode(STANDARD, "HTTPRoute", "v1", "spec.rules[]");
    const rewrite = (type: string) => ({ type: "URLRewrite", urlRewrite: { path: { type, replacePrefixMatch: "/new" } } });
    const message =
      "When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified";
    expect(violations(rule, { matches: [{ path: { type: "PathPrefix", value: "/old" } }], filters: [rewrite("ReplacePrefixMatch")] })).toEqual([]);
    expect(violations(rule, { matches: [{ path: { type: "Exact", value: "/old" } }], filters: [rewrite("ReplacePrefixMatch")] })).toContain(message);
    expect(violations(rule, { matches: [{ headers: [{ name: "x", value: "y" }] }], filters: [rewrite("ReplacePrefixMatch")] })).toContain(message);
    expect(violations(rule, { matches: [{}, {}], filters: [rewrite("ReplacePrefixMatch")] })).toContain(message);
    expect(
      violations(rule, { filters: [{ type: "RequestRedirect", requestRedirect: { statusCode: 301 } }], backendRefs: [{ name: "svc", port: 80 }] }),
    ).toEqual(["RequestRedirect filter must not be used together with backendRefs"]);
  });

  it("HTTPRoute total match count, which relies on defaulted matches", () => {
    const rules = schemaNode(STANDARD, "HTTPRoute", "v1", "spec.rules");
    const withMatches = (n: number) => ({ matches: Array.from({ length: n }, () => ({ path: { type: "PathPrefix", value: "/" } })) });
    expect(violations(rules, [withMatches(64), withMatches(64)])).toEqual([]);
    expect(violations(rules, [withMatches(64), withMatches(64), withMatches(1)])).toEqual([
      "While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128",
    ]);
    // Without the apiserver's default `matches`, the standard rule cannot be evaluated.
    expect(violations(rules, [{}])[0]).toMatch(/^error: /);
  });

  it("HTTPRoute timeouts compare durations", () => {
    const timeouts = schemaNode(STANDARD, "HTTPRoute", "v1", "spec.rules[].timeouts");
    expect(violations(timeouts, { request: "10s", backendRequest: "2s" })).toEqual([]);
    expect(violations(timeouts, { request: "0s", backendRequest: "1h" })).toEqual([]);
    expect(violations(timeouts, { request: "1s", backendRequest: "1500ms" })).toEqual([
      "backendRequest timeout cannot be longer than request timeout",
    ]);
  });

  it("Gateway listeners: TLS and hostname per protocol, unique names", () => {
    const listeners = schemaNode(STANDARD, "Gateway", "v1", "spec.listeners");
    const https = { name: "https", port: 443, protocol: "HTTPS", hostname: "example.com", tls: { mode: "Terminate", certificateRefs: [{ name: "cert" }] } };
    expect(violations(listeners, [{ name: "http", port: 80, protocol: "HTTP" }, https])).toEqual([]);
    expect(violations(listeners, [{ name: "tcp", port: 9000, protocol: "TCP", hostname: "example.com" }])).toEqual([
      "hostname must not be specified for protocols ['TCP', 'UDP']",
    ]);
    expect(violations(listeners, [{ name: "tcp", port: 9000, protocol: "TCP", hostname: "" }])).toEqual([]);
    expect(violations(listeners, [{ name: "a", port: 80, protocol: "HTTP", tls: { mode: "Terminate" } }])).toEqual([
      "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
    ]);
    expect(violations(listeners, [{ name: "a", port: 80, protocol: "HTTP" }, { name: "a", port: 81, protocol: "HTTP" }])).toEqual([
      "Listener name must be unique within the Gateway",
    ]);
    expect(
      violations(listeners, [
        { name: "a", port: 80, protocol: "HTTP", hostname: "x.example.com" },
        { name: "b", port: 80, protocol: "HTTP", hostname: "x.example.com" },
      ]),
    ).toEqual(["Combination of port, protocol and hostname must be unique for each listener"]);
  });

  it("route parentRefs use the escaped `namespace` field", () => {
    const parentRefs = schemaNode(STANDARD, "HTTPRoute", "v1", "spec.parentRefs");
    const ref = (namespace: string | undefined, sectionName?: string) => ({
      group: "gateway.networking.k8s.io",
      kind: "Gateway",
      name: "gw",
      ...(namespace === undefined ? {} : { namespace }),
      ...(sectionName === undefined ? {} : { sectionName }),
    });
    expect(violations(parentRefs, [ref("a"), ref("b")])).toEqual([]);
    expect(violations(parentRefs, [ref("a", "http"), ref("a", "https")])).toEqual([]);
    expect(violations(parentRefs, [ref("a"), ref("a", "https")])).toEqual([
      "sectionName must be specified when parentRefs includes 2 or more references to the same parent",
    ]);
    expect(violations(parentRefs, [ref(undefined, "x"), ref("", "x")])).toEqual([
      "sectionName must be unique when parentRefs includes 2 or more references to the same parent",
    ]);
  });

  it("TLSRoute hostnames reject IPs with isIP", () => {
    const hostnames = schemaNode(STANDARD, "TLSRoute", "v1", "spec.hostnames");
    expect(violations(hostnames, ["example.com", "*.example.com"])).toEqual([]);
    expect(violations(hostnames, ["10.0.0.1"])).toContain("Hostnames cannot contain an IP");
    expect(violations(hostnames, ["2001:db8::1"])).toContain("Hostnames cannot contain an IP");
    expect(violations(hostnames, ["foo.*.example.com"])).toEqual([
      "Wildcards on hostnames must be the first label, and the rest of hostname must be valid based on RFC-1123",
    ]);
  });

  it("XBackend port names: `validate(self) == null` never holds, as in the apiserver", () => {
    const name = schemaNode(EXPERIMENTAL, "XBackend", "v1alpha1", "spec.port.name");
    expect(violations(name, "")).toEqual([]);
    expect(violations(name, "http")).toEqual(["Name must be a valid DNS label"]);
    expect(violations(name, "Not_A_Label")).toEqual(["Name must be a valid DNS label"]);
  });
});

describe("real Istio rules", () => {
  const ISTIO = "istio-1.30.3.json";

  it("WasmPlugin and TrafficExtension urls go through isURL/url().getScheme()", () => {
    for (const node of [
      schemaNode(ISTIO, "WasmPlugin", "v1alpha1", "spec.url"),
      schemaNode(ISTIO, "TrafficExtension", "v1alpha1", "spec.wasm.url"),
    ]) {
      expect(violations(node, "oci://ghcr.io/istio/filter:1.0")).toEqual([]);
      expect(violations(node, "https://example.com/filter.wasm")).toEqual([]);
      expect(violations(node, "file:///opt/filter.wasm")).toEqual([]);
      expect(violations(node, "ghcr.io/istio/filter:1.0")).toEqual([]);
      expect(violations(node, "ftp://example.com/filter.wasm")).toEqual(["url must have schema one of [http, https, file, oci]"]);
      // `registry:5000/x` parses as scheme `registry` (Go's net/url), so Istio's rule refuses it.
      expect(violations(node, "registry:5000/filter")).toEqual(["url must have schema one of [http, https, file, oci]"]);
    }
  });

  it("RequestAuthentication jwksUri needs an http(s) url", () => {
    const jwksUri = schemaNode(ISTIO, "RequestAuthentication", "v1", "spec.jwtRules[].jwksUri");
    expect(violations(jwksUri, "https://example.com/.well-known/jwks.json")).toEqual([]);
    expect(violations(jwksUri, "ftp://example.com/jwks.json")).toEqual(["url must have scheme http:// or https://"]);
    expect(violations(jwksUri, "example.com/jwks.json")[0]).toMatch(/^error: URL parse error/);
  });

  it("DestinationRule and Sidecar durations must be at least 1ms", () => {
    for (const node of [
      schemaNode(ISTIO, "DestinationRule", "v1", "spec.trafficPolicy.connectionPool.tcp.connectTimeout"),
      schemaNode(ISTIO, "DestinationRule", "v1", "spec.subsets[].trafficPolicy.outlierDetection.interval"),
      schemaNode(ISTIO, "Sidecar", "v1", "spec.ingress[].connectionPool.http.idleTimeout"),
    ]) {
      expect(violations(node, "10s")).toEqual([]);
      expect(violations(node, "1.5s")).toEqual([]);
      expect(violations(node, "1ms")).toEqual([]);
      expect(violations(node, "0.5ms")).toEqual(["must be a valid duration greater than 1ms"]);
      expect(violations(node, "0s")).toEqual(["must be a valid duration greater than 1ms"]);
      expect(violations(node, "ten seconds")[0]).toMatch(/^error: /);
    }
  });

  it("Sidecar and DestinationRule selectors refuse wildcards", () => {
    const labels = schemaNode(ISTIO, "Sidecar", "v1", "spec.workloadSelector.labels{}");
    expect(violations(labels, "app")).toEqual([]);
    expect(violations(labels, "ap*")).toEqual(["wildcard is not supported in selector"]);
    const matchLabels = schemaNode(ISTIO, "DestinationRule", "v1", "spec.workloadSelector.matchLabels");
    expect(violations(matchLabels, { app: "x" })).toEqual([]);
    expect(violations(matchLabels, { "app*": "x" })).toEqual(["wildcard not allowed in label key match"]);
  });

  it("PeerAuthentication port keys go through int()", () => {
    const ports = schemaNode(ISTIO, "PeerAuthentication", "v1", "spec.portLevelMtls");
    expect(violations(ports, { "8080": { mode: "STRICT" } })).toEqual([]);
    expect(violations(ports, { "70000": { mode: "STRICT" } })).toEqual(["port must be between 1-65535"]);
    expect(violations(ports, { http: { mode: "STRICT" } })[0]).toMatch(/^error: /);
  });

  it("ServiceEntry resolution and port rules", () => {
    const spec = schemaNode(ISTIO, "ServiceEntry", "v1", "spec");
    const base = { hosts: ["example.com"], ports: [{ number: 80, name: "http", protocol: "HTTP" }] };
    expect(violations(spec, { ...base, resolution: "DNS" })).toEqual([]);
    expect(violations(spec, { ...base, addresses: ["10.0.0.0/24"], resolution: "DNS" })).toEqual([
      "CIDR addresses are allowed only for NONE/STATIC resolution types",
    ]);
    expect(violations(spec, { ...base, endpoints: [{ address: "1.1.1.1" }] })).toEqual(["NONE mode cannot set endpoints"]);
    const ports = schemaNode(ISTIO, "ServiceEntry", "v1", "spec.ports");
    expect(violations(ports, [{ number: 80, name: "a" }, { number: 80, name: "b" }])).toEqual(["port number cannot be duplicated"]);
    const number = schemaNode(ISTIO, "ServiceEntry", "v1", "spec.ports[].number");
    expect(violations(number, 0)).toEqual(["port must be between 1-65535"]);
    expect(violations(number, 443)).toEqual([]);
  });
});
