// What `npm run fuzz` and test/fuzz.test.ts feed meshlint, and what they check of each run. Inputs come in categories
// (generated YAML and JSON text, type-mutated copies of the valid fixtures, line-ending variants of every fixture,
// hostile values); each input is linted through the CLI's own run() from standard input, and the run must keep the
// promises of the brief: exit 0, 1 or 2, no stack trace, no internal-error, every position inside the input, and for a
// line-ending variant the same findings at the same places as the LF original.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parseAllDocuments } from "yaml";
import { type CliIo, run } from "../src/cli/main.js";

export interface FuzzInput {
  readonly category: "yaml-text" | "mutant" | "line-ends" | "hostile";
  /** What the input is, short enough for a report line. */
  readonly name: string;
  readonly bytes: Uint8Array;
  /** For a line-ending variant: the LF text whose findings it must reproduce. */
  readonly original?: string;
  readonly args?: readonly string[];
  /** Large enough to take seconds: run by `npm run fuzz`, left to test/load/hardening.test.ts in the suite. */
  readonly heavy?: boolean;
}

export interface FuzzOutcome {
  readonly problems: readonly string[];
  readonly findings: number;
}

/** The fixtures of every rule, valid and invalid, relative to the repository root. */
function isReadableFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function fixtureFiles(root: string): string[] {
  const base = join(root, "fixtures", "rules");
  const files: string[] = [];
  for (const rule of readdirSync(base).sort()) {
    for (const kind of ["valid", "invalid"]) {
      let names: string[];
      try {
        names = readdirSync(join(base, rule, kind)).sort();
      } catch {
        continue;
      }
      for (const name of names) {
        const file = join("fixtures", "rules", rule, kind, name);
        // file-unreadable's fixture is a dangling link on purpose: only files that can be read are fuzz seeds.
        if (/\.(ya?ml|json)$/.test(name) && isReadableFile(join(root, file))) files.push(file);
      }
    }
  }
  return files;
}

const encoder = new TextEncoder();
const bytesOf = (text: string): Uint8Array => encoder.encode(text);

// ---------------------------------------------------------------------------------------------------------------
// Generated YAML and JSON text

type Tree = null | boolean | number | string | Tree[] | { [key: string]: Tree };

const KEYS = ["apiVersion", "kind", "metadata", "name", "namespace", "spec", "hosts", "http", "route", "labels", "a", "b", "<<", "__proto__", "constructor", "toString", "x y", "1", "true", "null", "~", "-", "?"];
const SCALARS: Tree[] = [null, true, false, 0, -1, 1.5, 1e308, "", "v1", "networking.istio.io/v1", "VirtualService", "Service", "*", "*.a.com", "a\nb", "#", ": ", "- x", "'", '"', "\\", "\u0000", "\u001b[31m", "\u202e", "\ufeff", "é", "😀", "{{ x }}", "0x1F", "0o17", "1e309", ".inf", "-.inf", ".nan", "yes", "off", "~", "2001-01-01"];

const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...SCALARS),
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.array(tie("tree"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie("tree"), { maxKeys: 5 }),
  ),
})).tree;

/** A Kubernetes-looking object, so that generated text reaches the rules and not only the parser. */
const objectArb: fc.Arbitrary<Tree> = fc
  .record({
    apiVersion: fc.constantFrom("v1", "apps/v1", "networking.istio.io/v1", "security.istio.io/v1", "gateway.networking.k8s.io/v1", "policy.linkerd.io/v1beta3", "x/y"),
    kind: fc.constantFrom("Service", "Deployment", "VirtualService", "DestinationRule", "AuthorizationPolicy", "Gateway", "HTTPRoute", "Server", "ConfigMap", "List", "CustomResourceDefinition"),
    metadata: fc.oneof(fc.record({ name: fc.constantFrom("a", "b", "", "x".repeat(300)), namespace: fc.constantFrom("default", "shop") }), treeArb),
    spec: treeArb,
  })
  .map((o) => o as Tree);

const style = fc.record({
  json: fc.boolean(),
  flow: fc.boolean(),
  quote: fc.constantFrom("plain", "single", "double"),
  indent: fc.integer({ min: 1, max: 4 }),
});

function scalarText(value: Tree, quote: string): string {
  if (typeof value !== "string") return JSON.stringify(value) ?? "null";
  // eslint-disable-next-line no-control-regex
  if (quote === "double" || /[\u0000-\u001f\u007f-\u009f\ufeff\u2028\u2029]/.test(value)) return JSON.stringify(value);
  if (quote === "single") return `'${value.replace(/'/g, "''")}'`;
  return value === "" ? "''" : value;
}

/** Renders a tree as YAML in a chosen style (block or flow, quoting), with anchors on some nodes and aliases to them. */
function render(tree: Tree, s: { json: boolean; flow: boolean; quote: string; indent: number }, anchors: { every: number }): string {
  let counter = 0;
  const named: string[] = [];
  const anchor = () => {
    counter++;
    if (anchors.every > 0 && counter % anchors.every === 0) {
      const name = `a${counter}`;
      named.push(name);
      return `&${name} `;
    }
    return "";
  };
  const alias = () => (anchors.every > 0 && named.length && counter % 3 === 0 ? `*${named[named.length - 1]}` : undefined);
  const flow = (t: Tree): string => {
    if (Array.isArray(t)) return `${anchor()}[${t.map(flow).join(", ")}]`;
    if (t && typeof t === "object") return `${anchor()}{${Object.entries(t).map(([k, v]) => `${JSON.stringify(k)}: ${alias() ?? flow(v)}`).join(", ")}}`;
    return scalarText(t, s.json ? "double" : s.quote);
  };
  if (s.json || s.flow) return `${flow(tree)}\n`;
  const pad = (n: number) => " ".repeat(n * s.indent);
  const block = (t: Tree, depth: number): string[] => {
    if (Array.isArray(t)) {
      if (!t.length) return [`${pad(depth)}[]`];
      return t.flatMap((v) => {
        const inner = block(v, depth + 1);
        return [`${pad(depth)}- ${inner[0]!.trimStart()}`, ...inner.slice(1)];
      });
    }
    if (t && typeof t === "object") {
      const entries = Object.entries(t);
      if (!entries.length) return [`${pad(depth)}{}`];
      return entries.flatMap(([k, v]) => {
        const key = scalarText(k, s.quote === "plain" && /^[a-zA-Z][\w.-]*$/.test(k) ? "plain" : "double");
        const shared = alias();
        if (shared) return [`${pad(depth)}${key}: ${shared}`];
        if (v && typeof v === "object" && (Array.isArray(v) ? v.length : Object.keys(v).length)) return [`${pad(depth)}${key}: ${anchor()}`.trimEnd(), ...block(v, depth + 1)];
        return [`${pad(depth)}${key}: ${scalarText(v as Tree, s.quote)}`];
      });
    }
    return [`${pad(depth)}${scalarText(t, s.quote)}`];
  };
  return `${block(tree, 0).join("\n")}\n`;
}

const transport = fc.record({
  lineEnd: fc.constantFrom("\n", "\n", "\r\n", "\r", "mixed"),
  bom: fc.boolean(),
  bytes: fc.constantFrom("utf8", "utf8", "utf8", "latin1", "utf16", "nul"),
  longLine: fc.boolean(),
  deep: fc.constantFrom(0, 0, 0, 300, 2000),
  documents: fc.integer({ min: 1, max: 3 }),
  top: fc.constantFrom("object", "object", "object", "scalar", "list", "tree"),
});

/** Generated YAML or JSON files: structure, style, anchors and aliases, line ends, BOM and encodings all vary. */
export const yamlTextArb: fc.Arbitrary<FuzzInput> = yamlTexts(transport);

/**
 * The same texts, UTF-8 only and without 200 kB lines or 2,000-deep nesting: cheap enough to parse by the thousand
 * (test/load/loader-property.test.ts).
 */
export const lightYamlTextArb: fc.Arbitrary<FuzzInput> = yamlTexts(
  transport.map((t) => ({ ...t, bytes: "utf8" as const, longLine: false, deep: Math.min(t.deep, 300) as 0 | 300 | 2000 })),
);

function yamlTexts(transports: typeof transport): fc.Arbitrary<FuzzInput> {
  return fc
  .tuple(fc.array(fc.tuple(objectArb, treeArb), { minLength: 1, maxLength: 3 }), style, fc.constantFrom(0, 0, 2, 3), transports)
  .map(([docs, s, every, t]) => {
    const rendered = docs.slice(0, t.documents).map(([object, tree]) => {
      const top = t.top === "object" ? object : t.top === "tree" ? tree : t.top === "list" ? [object, tree] : (tree && typeof tree === "object" ? "scalar" : tree);
      return render(top, s, { every });
    });
    let text = rendered.join(t.documents > 1 && s.json ? "---\n" : "---\n");
    if (t.longLine) text += `# ${"x".repeat(200_000)}\n`;
    if (t.deep) text += `---\n${"[".repeat(t.deep)}${"]".repeat(t.deep)}\n`;
    if (t.lineEnd === "mixed") text = text.split("\n").map((line, i) => line + ["\n", "\r\n", "\r"][i % 3]).join("").slice(0, -1);
    else if (t.lineEnd !== "\n") text = text.replace(/\n/g, t.lineEnd);
    if (t.bom) text = `\ufeff${text}`;
    const bytes =
      t.bytes === "latin1"
        ? Uint8Array.from(Buffer.from(`${text}# caf\u00e9\n`, "latin1"))
        : t.bytes === "utf16"
          ? Uint8Array.from(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]))
          : t.bytes === "nul"
            ? bytesOf(`${text}\u0000`)
            : bytesOf(text);
    return { category: "yaml-text" as const, name: `${s.json ? "json" : s.flow ? "flow" : "block"}/${t.lineEnd === "\r\n" ? "crlf" : t.lineEnd === "\r" ? "cr" : t.lineEnd === "mixed" ? "mixed" : "lf"}/${t.bytes}${t.bom ? "/bom" : ""}${t.deep ? `/deep${t.deep}` : ""}`, bytes };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Mutated fixtures

/** What one field becomes. Strings of the form `@@...@@` are written into the YAML text unquoted (`.inf`, `1e309`). */
export const MUTATIONS: ReadonlyArray<readonly [string, () => unknown]> = [
  ["null", () => null],
  ["zero", () => 0],
  ["negative", () => -1],
  ["float", () => 1.5],
  ["huge-number", () => 1e308],
  ["inf", () => "@@.inf@@"],
  ["-inf", () => "@@-.inf@@"],
  ["overflow", () => "@@1e309@@"],
  ["empty-string", () => ""],
  ["string", () => "x"],
  ["huge-string", () => "a".repeat(100_000)],
  ["list", () => ["x"]],
  ["null-list", () => [null, null]],
  ["huge-list", () => Array.from({ length: 10_000 }, (_, i) => `v${i}`)],
  ["map", () => ({ x: "y" })],
  ["proto-keys", () => JSON.parse('{"__proto__": {"x": 1}, "constructor": "c", "toString": 1, "hasOwnProperty": null}') as unknown],
  ["removed", () => undefined],
];

export interface Mutable {
  readonly file: string;
  readonly documents: readonly unknown[];
  /** Every path (document index first) to a value in the documents. */
  readonly paths: readonly (readonly (string | number)[])[];
}

/** A fixture's documents and the paths to every value in them (undefined for a fixture that is an alias bomb or not YAML). */
export function mutable(root: string, file: string): Mutable | undefined {
  let documents: unknown[];
  try {
    documents = parseAllDocuments(readFileSync(join(root, file), "utf8")).map((d) => d.toJS({ maxAliasCount: 1000 }) as unknown);
  } catch {
    return undefined;
  }
  const paths: (string | number)[][] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    if (path.length > 1) paths.push(path);
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  documents.forEach((d, i) => walk(d, [i]));
  return { file, documents, paths };
}

/** The fixture's text with the value at `path` replaced by the mutation (or removed). */
export function mutate(m: Mutable, path: readonly (string | number)[], mutation: () => unknown): string {
  const documents = structuredClone(m.documents) as unknown[];
  let parent: unknown = documents;
  for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[step];
  const last = path[path.length - 1]!;
  const value = mutation();
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete (parent as Record<string | number, unknown>)[last];
  } else {
    Object.defineProperty(parent, last, { value, enumerable: true, writable: true, configurable: true });
  }
  return documents.map((d) => JSON.stringify(d, null, 1).replace(/"@@(.*?)@@"/g, "$1")).join("\n---\n") + "\n";
}

export const mutantName = (m: Mutable, path: readonly (string | number)[], mutation: string): string =>
  `${m.file} ${path.slice(1).join(".")}${m.documents.length > 1 ? ` (document ${path[0]})` : ""} -> ${mutation}`;

// ---------------------------------------------------------------------------------------------------------------
// Line-ending variants

export const LINE_END_VARIANTS: ReadonlyArray<readonly [string, (text: string) => string]> = [
  ["crlf", (t) => t.replace(/\r?\n/g, "\r\n")],
  ["cr", (t) => t.replace(/\r?\n/g, "\r")],
  ["mixed", (t) => t.split(/\r?\n/).map((line, i, all) => line + (i === all.length - 1 ? "" : ["\n", "\r\n", "\r"][i % 3])).join("")],
  ["bom", (t) => `\ufeff${t}`],
  ["bom-crlf", (t) => `\ufeff${t.replace(/\r?\n/g, "\r\n")}`],
];

// ---------------------------------------------------------------------------------------------------------------
// Hostile values, each a family the fuzz sweep of issue 17 found a hang, a crash or a silent skip in

const times = (n: number, f: (i: number) => string, sep = "") => Array.from({ length: n }, (_, i) => f(i)).join(sep);

export function hostileInputs(): FuzzInput[] {
  const hostile = (name: string, text: string, args: readonly string[] = []): FuzzInput => ({
    category: "hostile",
    name,
    bytes: bytesOf(text),
    args,
    ...(text.length > 500_000 ? { heavy: true } : {}),
  });
  const header = `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: r, namespace: shop }\n`;
  const bomb = (json: boolean) => {
    let spec = json ? `{"a": &a {"x": "lol", "y": "lol"}` : "";
    const names = "bcdefghijk";
    if (!json) spec = `  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n`;
    for (let i = 0; i < names.length; i++) {
      const prev = i === 0 ? "a" : names[i - 1];
      spec += json ? `, "${names[i]}": &${names[i]} {${times(9, (k) => `"k${k}":*${prev}`, ",")}}` : `  ${names[i]}: &${names[i]} [${times(9, () => `*${prev}`, ", ")}]\n`;
    }
    return json
      ? `{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"x"},"spec":${spec}}}\n`
      : `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: x }\nspec:\n${spec}`;
  };
  const inputs: FuzzInput[] = [
    ...[26, 37, 1000, 100_000].map((n) =>
      hostile(
        `crd pattern, header value of ${n} characters`,
        `${header}spec:\n  rules:\n    - backendRefs:\n        - name: s\n          port: 80\n          filters:\n            - type: RequestHeaderModifier\n              requestHeaderModifier:\n                set: [{ name: a, value: "${"B".repeat(n - 1)} " }]\n`,
        ["--gateway-api-channel", "experimental"],
      ),
    ),
    hostile("alias bomb, block", bomb(false)),
    hostile("alias bomb, flow with JSON-style keys", bomb(true)),
    hostile("recursive alias", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: r }\nspec: &s\n  hosts: [a]\n  x: *s\n"),
    hostile("undefined alias", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { a: *nope }\n"),
    hostile("List of 126,000 items", `{"apiVersion":"v1","kind":"List","items":[${times(126_000, () => '{"apiVersion":"v1","kind":"A"}', ",")}]}`, ["--max-file-size", "10MB"]),
    ...[10, 14, 30].map((n) =>
      hostile(
        `principal glob of ${n} stars`,
        `apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: ${"a".repeat(40)}, namespace: shop }\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: p, namespace: shop }\nspec:\n  rules: [{ from: [{ source: { principals: ["${times(n, () => "*a")}*b"] } }] }]\n`,
      ),
    ),
    hostile("mapping of 80,000 keys", `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: shop }\ndata:\n${times(80_000, (i) => `  k${i}: v\n`)}`),
    hostile("VirtualService of 40,000 hosts", `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: v, namespace: shop }\nspec:\n  hosts:\n${times(40_000, (i) => `    - "*.h${i}.example.com"\n`)}  http: [{ route: [{ destination: { host: a } }] }]\n`),
    hostile("Linkerd route regex of 30,000 characters", `apiVersion: policy.linkerd.io/v1beta3\nkind: HTTPRoute\nmetadata: { name: r, namespace: shop }\nspec:\n  parentRefs: [{ name: s, kind: Server, group: policy.linkerd.io }]\n  rules: [{ matches: [{ path: { type: RegularExpression, value: "${"a".repeat(30_000)}" } }] }]\n`),
    hostile("directive and 100,000 blanks", `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: shop }\n# meshlint-disable x${" ".repeat(100_000)}y\n`),
    hostile("40,000 template-like strings", `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: shop }\ndata:\n${times(40_000, (i) => `  k${i}: "{{ x }}"\n`)}`),
    hostile("nesting of 5,000 flow levels", `${"[".repeat(5000)}${"]".repeat(5000)}\n`),
    hostile("nesting of 2,000 block levels", times(2000, (i) => `${" ".repeat(i)}a:\n`)),
    hostile("20,000 documents", times(20_000, (i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c${i} }\n`)),
    hostile(".inf, -.inf and 1e309 in integer fields", "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: d, namespace: shop }\nspec:\n  host: a\n  trafficPolicy:\n    connectionPool:\n      tcp: { maxConnections: .inf }\n      http: { http1MaxPendingRequests: 1e309, maxRetries: -.inf }\n"),
    hostile("control characters in values", `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: v, namespace: shop }\nspec:\n  hosts: ["a\\n::stop-commands::x\\n\\u001b[31m"]\n  http: [{ route: [{ destination: { host: "\\u0007\\u009b" } }] }]\n`),
    hostile("prototype-named kinds and keys", "apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata: { name: p, namespace: shop }\nspec:\n  targetRef: { group: __proto__, kind: constructor, name: toString }\n  requiredAuthenticationRefs: [{ group: __proto__, kind: toString, name: valueOf }]\n---\napiVersion: v1\nkind: constructor\nmetadata: { name: __proto__ }\n"),
    hostile("prototype-named keys in port numbers", "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: d, namespace: shop }\nspec:\n  host: a\n  trafficPolicy:\n    portLevelSettings:\n      - port: { number: { toString: 1, valueOf: 2 } }\n        tls: { mode: SIMPLE }\n---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: e, namespace: shop }\nspec:\n  hosts: [e.example.com]\n  ports: [{ number: { toString: 1 }, name: tcp }]\n  resolution: DNS\n"),
    hostile("prototype-named keys in a label value", "apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: { name: s, namespace: shop }\nspec:\n  workloadSelector:\n    labels: { \"app*\": { toString: 1, valueOf: 2 } }\n"),
    hostile("null list items while typing", "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: g, namespace: shop }\nspec:\n  gatewayClassName: istio\n  listeners:\n  -\n  -\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: h, namespace: shop }\nspec: { gatewayClassName: istio, listeners: [~, ~] }\n"),
    hostile("malformed CRD in the repository", "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: { name: widgets.example.com }\nspec:\n  group: example.com\n  names: { kind: Widget, plural: widgets, singular: ~, listKind: 5 }\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: intger\n              pattern: \"(?<=a)b\"\n              x-kubernetes-validations: { rule: 1, message: 2 }\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w, namespace: shop }\nspec: { a: 1 }\n"),
  ];
  return inputs;
}

// ---------------------------------------------------------------------------------------------------------------
// Running one input and checking the promises

const STACK = /^\s+at .+[(:]\d+|node:internal|Maximum call stack/m;

/** Lints one input through the CLI's run() from standard input and returns every broken promise. */
export async function checkInput(input: FuzzInput, cwd: string, compareText?: (text: string) => Promise<string[]>): Promise<FuzzOutcome> {
  let out = "";
  let err = "";
  const io: CliIo = {
    cwd,
    env: {},
    stdoutIsTTY: false,
    write: (t) => void (out += t),
    error: (t) => void (err += t),
    readStdin: async () => input.bytes,
  };
  const problems: string[] = [];
  let code: number;
  try {
    code = await run(["-f", "json", "--allow-empty", ...(input.args ?? []), "-"], io);
  } catch (error) {
    return { problems: [`run() threw: ${String(error)}`], findings: 0 };
  }
  if (code !== 0 && code !== 1 && code !== 2) problems.push(`exit code ${code}`);
  if (STACK.test(err) || STACK.test(out)) problems.push(`stack trace: ${(err || out).slice(0, 300)}`);
  if (/internal error/.test(err)) problems.push(`internal error: ${err.slice(0, 300)}`);
  let diagnostics: { ruleId: string; message: string; line?: number; column?: number; endLine?: number; endColumn?: number }[] = [];
  if (out) {
    try {
      diagnostics = (JSON.parse(out) as { diagnostics: typeof diagnostics }).diagnostics;
    } catch {
      problems.push("output is not JSON");
    }
  }
  const text = new TextDecoder().decode(input.bytes).replace(/^\ufeff/, "");
  const lines = text.split(/\r\n|\r|\n/);
  for (const d of diagnostics) {
    if (d.ruleId === "internal-error") problems.push(`internal-error: ${d.message.slice(0, 300)}`);
    if (d.line === undefined) continue;
    const { line, column = 1, endLine = line, endColumn = column } = d;
    const inside = (l: number, c: number) => l >= 1 && l <= lines.length && c >= 1 && c <= lines[l - 1]!.length + 1;
    if (!inside(line, column) || !inside(endLine, endColumn) || endLine < line || (endLine === line && endColumn < column)) {
      problems.push(`${d.ruleId} at ${line}:${column}-${endLine}:${endColumn} is outside the input (${lines.length} lines)`);
    }
  }
  if (input.original !== undefined && compareText) {
    const expected = await compareText(input.original);
    const got = diagnostics.map((d) => `${d.ruleId}@${d.line ?? "-"}:${d.column ?? "-"}-${d.endLine ?? "-"}:${d.endColumn ?? "-"}`).sort();
    if (JSON.stringify(expected) !== JSON.stringify(got)) problems.push(`findings differ from the LF file: expected ${expected.join(" ")}; got ${got.join(" ")}`);
  }
  return { problems, findings: diagnostics.length };
}

/** The findings of an LF text, as checkInput() compares them. */
export async function findingsOf(text: string, cwd: string): Promise<string[]> {
  let out = "";
  const io: CliIo = { cwd, env: {}, stdoutIsTTY: false, write: (t) => void (out += t), error: () => {}, readStdin: async () => bytesOf(text) };
  await run(["-f", "json", "--allow-empty", "-"], io);
  const diagnostics = (JSON.parse(out) as { diagnostics: { ruleId: string; line?: number; column?: number; endLine?: number; endColumn?: number }[] }).diagnostics;
  return diagnostics.map((d) => `${d.ruleId}@${d.line ?? "-"}:${d.column ?? "-"}-${d.endLine ?? "-"}:${d.endColumn ?? "-"}`).sort();
}
