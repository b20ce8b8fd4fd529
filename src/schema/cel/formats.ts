/**
 * The named string formats of Kubernetes' CEL `format` library (k8s.io/apiserver/pkg/cel/library/format.go), each
 * returning the validation messages apimachinery would (an empty list when the value is valid).
 */
import { parseRequestUri } from "../../base/go/url.js";
import { isStrfmtDateTime, parseFullDate } from "../../base/go/time.js";

type Validator = (value: string) => string[];

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;

/** Go measures strings in bytes. */
const byteLength = (value: string) => Buffer.byteLength(value, "utf8");
const tooLong = (max: number) => `must be no more than ${max} characters`;

const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_NAME_MESSAGE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MESSAGE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

export function dns1123Label(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 63) errors.push(tooLong(63));
  if (!DNS1123_LABEL.test(value)) {
    // A valid subdomain that is not a label is most likely a name with dots.
    errors.push(DNS1123_SUBDOMAIN.test(value) ? "must not contain dots" : LABEL_MESSAGE);
  }
  return errors;
}

export function dns1123Subdomain(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 253) errors.push(tooLong(253));
  if (!DNS1123_SUBDOMAIN.test(value)) errors.push(SUBDOMAIN_MESSAGE);
  return errors;
}

export function dns1035Label(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 63) errors.push(tooLong(63));
  if (!DNS1035_LABEL.test(value)) errors.push(DNS1035_MESSAGE);
  return errors;
}

/** apimachinery's maskTrailingDash: a generateName prefix may end in `-`. */
function maskTrailingDash(value: string): string {
  return value.length > 1 && value.endsWith("-") ? `${value.slice(0, -1)}a` : value;
}

export function qualifiedName(value: string): string[] {
  const parts = value.split("/");
  let name: string;
  const errors: string[] = [];
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const [prefix, rest] = parts as [string, string];
    name = rest;
    if (prefix.length === 0) errors.push("prefix part must be non-empty");
    else errors.push(...dns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a qualified name ${QUALIFIED_NAME_MESSAGE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errors.push("name part must be non-empty");
  else if (byteLength(name) > 63) errors.push(`name part ${tooLong(63)}`);
  if (!QUALIFIED_NAME.test(name)) errors.push(`name part ${QUALIFIED_NAME_MESSAGE}`);
  return errors;
}

export function labelValue(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 63) errors.push(tooLong(63));
  if (!LABEL_VALUE.test(value)) errors.push(LABEL_VALUE_MESSAGE);
  return errors;
}

function uri(value: string): string[] {
  try {
    parseRequestUri(value);
    return [];
  } catch (error) {
    return [`parse "${value}": ${error instanceof Error ? error.message : String(error)}`];
  }
}

/** Name → validator, the names `format.named()` accepts and `format.<name>()` exposes. */
export const NAMED_FORMATS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
  ["dns1123Label", dns1123Label],
  ["dns1123Subdomain", dns1123Subdomain],
  ["dns1035Label", dns1035Label],
  ["qualifiedName", qualifiedName],
  ["dns1123LabelPrefix", (v) => dns1123Label(maskTrailingDash(v))],
  ["dns1123SubdomainPrefix", (v) => dns1123Subdomain(maskTrailingDash(v))],
  ["dns1035LabelPrefix", (v) => dns1035Label(maskTrailingDash(v))],
  ["labelValue", labelValue],
  ["uri", uri],
  ["uuid", (v) => (UUID.test(v) ? [] : ["does not match the UUID format"])],
  ["byte", (v) => (BASE64.test(v) ? [] : ["invalid base64"])],
  ["date", (v) => (parseFullDate(v) ? [] : ["invalid date"])],
  ["datetime", (v) => (isStrfmtDateTime(v) ? [] : ["invalid datetime"])],
]);

/** Go's base64.StdEncoding.DecodeString (strict padding), used for `format: byte` values. */
export function decodeStdBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? new Uint8Array(bytes) : undefined;
}
