// How go-yaml v2 resolves a plain (unquoted) scalar. Kubernetes reads manifests with it (through
// sigs.k8s.io/yaml), so both YAML parsers of the loader resolve scalars with these functions, and agree:
// YAML 1.1 booleans (y, yes, on…), Go integer syntax (0755 octal, 0x hex, 0b binary, 0o octal, underscores),
// go-yaml's float syntax, and everything else a string (dates and base-60 numbers included).

export const NULL = /^(?:~|null|Null|NULL)?$/;
export const TRUE = /^(?:y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
export const FALSE = /^(?:n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$/;

/** Candidates for goInt (it still rejects a few, such as `0x_`). */
export const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|0[0-7_]*|[1-9][0-9_]*)$/;
/** Candidates for goFloat. */
export const GO_FLOAT = /^(?:[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  ".inf": Infinity, ".Inf": Infinity, ".INF": Infinity,
  "+.inf": Infinity, "+.Inf": Infinity, "+.INF": Infinity,
  "-.inf": -Infinity, "-.Inf": -Infinity, "-.INF": -Infinity,
  ".nan": NaN, ".NaN": NaN, ".NAN": NaN,
};

/** Go's strconv.ParseInt(s, 0, 64) after go-yaml removed underscores; undefined where Go fails. */
/** go-yaml tries numbers only for scalars starting with a digit, a sign or a dot (its resolve table). */
const mayBeNumber = (text: string): boolean => {
  const c = text.charCodeAt(0);
  return (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
};

export function goInt(text: string): number | undefined {
  if (!mayBeNumber(text)) return undefined;
  const plain = text.replace(/_/g, "");
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(plain);
  if (!m) return undefined;
  const sign = m[1];
  const digits = m[2] ?? "";
  let value: number;
  if (/^0[xX]/.test(digits)) value = Number.parseInt(digits.slice(2), 16);
  else if (/^0[bB]/.test(digits)) value = Number.parseInt(digits.slice(2), 2);
  else if (/^0[oO]/.test(digits)) value = Number.parseInt(digits.slice(2), 8);
  else if (digits.length > 1) value = digits.startsWith("0") ? Number.parseInt(digits, 8) : Number.parseInt(digits, 10);
  else value = Number(digits);
  return sign === "-" ? -value : value;
}

export function goFloat(text: string): number | undefined {
  if (!mayBeNumber(text)) return undefined;
  const special = Object.hasOwn(SPECIAL_FLOATS, text) ? SPECIAL_FLOATS[text] : undefined;
  if (special !== undefined) return special;
  const plain = text.replace(/_/g, "");
  return YAML_STYLE_FLOAT.test(plain) ? Number.parseFloat(plain) : undefined;
}

// In a flow collection, YAML 1.2 parsers (`yaml`, js-yaml) read `[1.2.3.4, 2001:db8::]` as a list holding the
// map {"2001:db8:": null}: a colon before `,` `]` `}` ends a key. go-yaml reads a colon as an indicator only
// when a space follows, so Kubernetes sees the string "2001:db8::". Before parsing, such colons are swapped for a
// private-use character of the same length (offsets stay exact), and swapped back in the parsed data.
const GLUED_FLOW_COLON = /(?<=[^\s"'[\]{},]):(?=[,\]}])/g;
const COLON_STAND_IN = "\uE000";

/** The text to parse, or undefined when it has no colon that go-yaml and YAML 1.2 read differently. */
export function protectGluedColons(text: string): string | undefined {
  if (!text.includes(":,") && !text.includes(":]") && !text.includes(":}")) return undefined;
  GLUED_FLOW_COLON.lastIndex = 0;
  if (!GLUED_FLOW_COLON.test(text) || text.includes(COLON_STAND_IN)) return undefined;
  return text.replace(GLUED_FLOW_COLON, COLON_STAND_IN);
}

/** Undoes protectGluedColons in parsed data (keys and strings). */
export function restoreGluedColons(value: unknown): unknown {
  if (typeof value === "string") return value.includes(COLON_STAND_IN) ? value.replaceAll(COLON_STAND_IN, ":") : value;
  if (Array.isArray(value)) return value.map(restoreGluedColons);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [restoreGluedColons(k) as string, restoreGluedColons(v)]));
  }
  return value;
}
