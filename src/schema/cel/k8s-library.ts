/**
 * The Kubernetes CEL libraries (k8s.io/apiserver/pkg/cel/library) for @bufbuild/cel: IP, CIDR, URL, Quantity,
 * Format, lists, sets and regex, plus cel-go's strings extension and Go-exact string conversions. Behaviour
 * follows the Go implementations; see the helper modules for the parsing details.
 */
import { CelScalar, celFunc, celMethod, celUint, listType, mapType, objectType, type CelFunc } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { create, type Message } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { NAMED_FORMATS } from "./formats.js";
import { durationParts, parseGoDuration } from "../../base/go/time.js";
import { escapedPath, formatUrl, hostname, isRequestUri, parseKubernetesUrl, port, query } from "../../base/go/url.js";
import {
  CIDR_TYPE,
  FORMAT_TYPE,
  IP_TYPE,
  OPTIONAL_ERRORS_TYPE,
  OPTIONAL_FORMAT_TYPE,
  QUANTITY_TYPE,
  URL_TYPE,
} from "./k8s-types.js";
import { listFunctions } from "./k8s-lists.js";
import {
  formatIp,
  formatPrefix,
  ipPredicates,
  isKubernetesCidr,
  isKubernetesIp,
  maskedPrefix,
  parseKubernetesCidr,
  parseKubernetesIp,
  prefixContainsIp,
  prefixContainsPrefix,
  type IpBytes,
  type Prefix,
} from "../../base/go/net.js";
import * as quantities from "../../base/quantity.js";
import { findAll, findFirst, re2Matches } from "../../base/re2.js";

const { BOOL, DOUBLE, INT, STRING, UINT } = CelScalar;
const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_UINT64 = (1n << 64n) - 1n;
const LIST_STRING = listType(STRING);
const DURATION = objectType(DurationSchema);

const IP = IP_TYPE.celType;
const CIDR = CIDR_TYPE.celType;
const URL = URL_TYPE.celType;
const QUANTITY = QUANTITY_TYPE.celType;
const FORMAT = FORMAT_TYPE.celType;
const OPTIONAL_ERRORS = OPTIONAL_ERRORS_TYPE.celType;
const OPTIONAL_FORMAT = OPTIONAL_FORMAT_TYPE.celType;

/** Methods receive their target as a ReflectMessage; its `message` holds the fields. */
type Target = { readonly message: unknown };

const makeIp = (address: IpBytes) => IP_TYPE.make({ address });
const readIp = (target: Target) => IP_TYPE.read(target.message).address;
const makeCidr = (prefix: Prefix) => CIDR_TYPE.make({ address: prefix.addr, prefixLength: prefix.bits });
const readCidr = (target: Target): Prefix => {
  const fields = CIDR_TYPE.read(target.message);
  return { addr: fields.address, bits: fields.prefixLength };
};

function ipMethod(name: string, test: (addr: IpBytes) => boolean): CelFunc {
  return celMethod(name, IP, [], BOOL, function () {
    return test(readIp(this));
  });
}

const netFunctions: CelFunc[] = [
  celFunc("ip", [STRING], IP, (text) => makeIp(parseKubernetesIp(text))),
  celFunc("isIP", [STRING], BOOL, isKubernetesIp),
  celFunc("ip.isCanonical", [STRING], BOOL, (text) => formatIp(parseKubernetesIp(text)) === text),
  celFunc("string", [IP], STRING, (ip) => formatIp(readIp(ip))),
  celMethod("family", IP, [], INT, function () {
    return readIp(this).length === 4 ? 4n : 6n;
  }),
  ipMethod("isUnspecified", ipPredicates.isUnspecified),
  ipMethod("isLoopback", ipPredicates.isLoopback),
  ipMethod("isLinkLocalMulticast", ipPredicates.isLinkLocalMulticast),
  ipMethod("isLinkLocalUnicast", ipPredicates.isLinkLocalUnicast),
  ipMethod("isGlobalUnicast", ipPredicates.isGlobalUnicast),

  celFunc("cidr", [STRING], CIDR, (text) => makeCidr(parseKubernetesCidr(text))),
  celFunc("isCIDR", [STRING], BOOL, isKubernetesCidr),
  celFunc("string", [CIDR], STRING, (cidr) => formatPrefix(readCidr(cidr))),
  celMethod("containsIP", CIDR, [STRING], BOOL, function (ip) {
    return prefixContainsIp(readCidr(this), parseKubernetesIp(ip));
  }),
  celMethod("containsIP", CIDR, [IP], BOOL, function (ip) {
    return prefixContainsIp(readCidr(this), readIp(ip));
  }),
  celMethod("containsCIDR", CIDR, [STRING], BOOL, function (cidr) {
    return prefixContainsPrefix(readCidr(this), parseKubernetesCidr(cidr));
  }),
  celMethod("containsCIDR", CIDR, [CIDR], BOOL, function (cidr) {
    return prefixContainsPrefix(readCidr(this), readCidr(cidr));
  }),
  celMethod("ip", CIDR, [], IP, function () {
    return makeIp(readCidr(this).addr);
  }),
  celMethod("prefixLength", CIDR, [], INT, function () {
    return BigInt(readCidr(this).bits);
  }),
  celMethod("masked", CIDR, [], CIDR, function () {
    return makeCidr(maskedPrefix(readCidr(this)));
  }),
];

function makeUrl(text: string): Message {
  const url = parseKubernetesUrl(text);
  return URL_TYPE.make({ ...url, user: url.user ?? "", hasUser: url.user !== undefined });
}

function readUrl(target: Target) {
  const fields = URL_TYPE.read(target.message);
  return { ...fields, user: fields.hasUser ? fields.user : undefined };
}

function urlMethod(name: string, read: (url: ReturnType<typeof readUrl>) => string): CelFunc {
  return celMethod(name, URL, [], STRING, function () {
    return read(readUrl(this));
  });
}

const urlFunctions: CelFunc[] = [
  celFunc("url", [STRING], URL, makeUrl),
  celFunc("isURL", [STRING], BOOL, isRequestUri),
  celFunc("string", [URL], STRING, (url) => formatUrl(readUrl(url))),
  urlMethod("getScheme", (url) => url.scheme),
  urlMethod("getHost", (url) => url.host),
  urlMethod("getHostname", hostname),
  urlMethod("getPort", port),
  urlMethod("getEscapedPath", escapedPath),
  celMethod("getQuery", URL, [], mapType(STRING, LIST_STRING), function () {
    return query(readUrl(this));
  }),
];

/** The int64-vs-decimal representation is not part of a quantity's identity, so it lives beside the message. */
const quantityForms = new WeakMap<object, quantities.Quantity>();

function makeQuantity(quantity: quantities.Quantity): Message {
  const normal = quantities.normalize(quantity);
  const message = QUANTITY_TYPE.make({ mantissa: normal.mantissa.toString(), exponent: normal.exponent });
  quantityForms.set(message, quantity);
  return message;
}

function readQuantity(target: Target): quantities.Quantity {
  const message = target.message as object;
  const known = quantityForms.get(message);
  if (known) return known;
  const fields = QUANTITY_TYPE.read(message);
  return { mantissa: BigInt(fields.mantissa), exponent: fields.exponent, decimalForm: true };
}

const quantityFunctions: CelFunc[] = [
  celFunc("quantity", [STRING], QUANTITY, (text) => makeQuantity(quantities.parseQuantity(text))),
  celFunc("isQuantity", [STRING], BOOL, quantities.isQuantity),
  // Kubernetes declares `sign` as a global overload although its documentation calls it as a method.
  celFunc("sign", [QUANTITY], INT, (q) => BigInt(quantities.sign(readQuantity(q)))),
  celMethod("sign", QUANTITY, [], INT, function () {
    return BigInt(quantities.sign(readQuantity(this)));
  }),
  celMethod("isGreaterThan", QUANTITY, [QUANTITY], BOOL, function (other) {
    return quantities.compare(readQuantity(this), readQuantity(other)) > 0;
  }),
  celMethod("isLessThan", QUANTITY, [QUANTITY], BOOL, function (other) {
    return quantities.compare(readQuantity(this), readQuantity(other)) < 0;
  }),
  celMethod("compareTo", QUANTITY, [QUANTITY], INT, function (other) {
    return BigInt(quantities.compare(readQuantity(this), readQuantity(other)));
  }),
  celMethod("asApproximateFloat", QUANTITY, [], DOUBLE, function () {
    return quantities.asApproximateFloat(readQuantity(this));
  }),
  celMethod("asInteger", QUANTITY, [], INT, function () {
    const value = quantities.asInt64(readQuantity(this));
    if (value === undefined) throw new Error("cannot convert value to integer");
    return value;
  }),
  celMethod("isInteger", QUANTITY, [], BOOL, function () {
    return quantities.asInt64(readQuantity(this)) !== undefined;
  }),
  celMethod("add", QUANTITY, [QUANTITY], QUANTITY, function (other) {
    return makeQuantity(quantities.add(readQuantity(this), readQuantity(other)));
  }),
  celMethod("add", QUANTITY, [INT], QUANTITY, function (other) {
    return makeQuantity(quantities.add(readQuantity(this), quantities.fromInteger(other)));
  }),
  celMethod("sub", QUANTITY, [QUANTITY], QUANTITY, function (other) {
    return makeQuantity(quantities.subtract(readQuantity(this), readQuantity(other)));
  }),
  celMethod("sub", QUANTITY, [INT], QUANTITY, function (other) {
    return makeQuantity(quantities.subtract(readQuantity(this), quantities.fromInteger(other)));
  }),
  celMethod("mul", QUANTITY, [INT], QUANTITY, function (factor) {
    return makeQuantity(quantities.multiply(readQuantity(this), factor));
  }),
  celMethod("div", QUANTITY, [INT], QUANTITY, function (divisor) {
    return makeQuantity(quantities.divideRounded(readQuantity(this), divisor, 4));
  }),
  celMethod("div", QUANTITY, [INT, INT], QUANTITY, function (divisor, decimals) {
    if (decimals < 0n || decimals > 10n) {
      throw new Error(`the valid range for roundVal is 0 to 10 but ${decimals} was passed`);
    }
    return makeQuantity(quantities.divideRounded(readQuantity(this), divisor, Number(decimals)));
  }),
  celMethod("divInt", QUANTITY, [INT], QUANTITY, function (divisor) {
    return makeQuantity(quantities.divideInteger(readQuantity(this), divisor));
  }),
];

function validatorFor(name: string): (value: string) => string[] {
  const validator = NAMED_FORMATS.get(name);
  if (!validator) throw new Error(`unknown format ${name}`);
  return validator;
}

/**
 * Kubernetes returns optional<list<string>> from `validate`: none when valid. As in cel-go, an optional never equals
 * `null`, so Gateway API's `format.dns1123Label().validate(self) == null` is false for every value.
 */
const formatFunctions: CelFunc[] = [
  ...[...NAMED_FORMATS.keys()].map((name) => celFunc(`format.${name}`, [], FORMAT, () => FORMAT_TYPE.make({ name }))),
  celFunc("format.named", [STRING], OPTIONAL_FORMAT, (name) =>
    OPTIONAL_FORMAT_TYPE.make({ hasValue: NAMED_FORMATS.has(name), name: NAMED_FORMATS.has(name) ? name : "" }),
  ),
  celMethod("validate", FORMAT, [STRING], OPTIONAL_ERRORS, function (value) {
    const errors = validatorFor(FORMAT_TYPE.read(this.message).name)(value);
    return OPTIONAL_ERRORS_TYPE.make({ hasValue: errors.length > 0, errors });
  }),
  celMethod("hasValue", OPTIONAL_ERRORS, [], BOOL, function () {
    return OPTIONAL_ERRORS_TYPE.read(this.message).hasValue;
  }),
  celMethod("value", OPTIONAL_ERRORS, [], LIST_STRING, function () {
    const optional = OPTIONAL_ERRORS_TYPE.read(this.message);
    if (!optional.hasValue) throw new Error("optional.none() dereference");
    return optional.errors;
  }),
  celMethod("orValue", OPTIONAL_ERRORS, [LIST_STRING], LIST_STRING, function (fallback) {
    const optional = OPTIONAL_ERRORS_TYPE.read(this.message);
    return optional.hasValue ? optional.errors : fallback;
  }),
  celMethod("hasValue", OPTIONAL_FORMAT, [], BOOL, function () {
    return OPTIONAL_FORMAT_TYPE.read(this.message).hasValue;
  }),
  celMethod("value", OPTIONAL_FORMAT, [], FORMAT, function () {
    const optional = OPTIONAL_FORMAT_TYPE.read(this.message);
    if (!optional.hasValue) throw new Error("optional.none() dereference");
    return FORMAT_TYPE.make({ name: optional.name });
  }),
  celMethod("orValue", OPTIONAL_FORMAT, [FORMAT], FORMAT, function (fallback) {
    const optional = OPTIONAL_FORMAT_TYPE.read(this.message);
    return optional.hasValue ? FORMAT_TYPE.make({ name: optional.name }) : fallback;
  }),
];

const regexFunctions: CelFunc[] = [
  // The global form of the standard `matches`, which @bufbuild/cel only has as a method.
  celFunc("matches", [STRING, STRING], BOOL, re2Matches),
  celMethod("find", STRING, [STRING], STRING, function (pattern) {
    return findFirst(this, pattern);
  }),
  celMethod("findAll", STRING, [STRING], LIST_STRING, function (pattern) {
    return findAll(this, pattern);
  }),
  celMethod("findAll", STRING, [STRING, INT], LIST_STRING, function (pattern, limit) {
    return findAll(this, pattern, limit < 0n ? -1 : Number(limit));
  }),
];

const conversionError = (to: string) => new Error(`type conversion error from 'string' to '${to}'`);

/**
 * cel-go converts strings with Go's strconv and time packages; @bufbuild/cel's JS conversions accept more
 * (`int(" 1")`, `int("0x1f")`, `int("")` is 0, `duration("")` is 0s), which would let invalid resources through.
 */
const conversionFunctions: CelFunc[] = [
  celFunc("duration", [STRING], DURATION, (text) => create(DurationSchema, durationParts(parseGoDuration(text)))),
  celFunc("int", [STRING], INT, (text) => {
    const value = /^[+-]?[0-9]+$/.test(text) ? BigInt(text) : undefined;
    if (value === undefined || value > MAX_INT64 || value < MIN_INT64) throw conversionError("int");
    return value;
  }),
  celFunc("uint", [STRING], UINT, (text) => {
    const value = /^[0-9]+$/.test(text) ? BigInt(text) : undefined;
    if (value === undefined || value > MAX_UINT64) throw conversionError("uint");
    return celUint(value);
  }),
  celFunc("double", [STRING], DOUBLE, (text) => {
    const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
    if (special) return special[2]!.toLowerCase() === "nan" ? NaN : special[1] === "-" ? -Infinity : Infinity;
    if (!/^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(text)) throw conversionError("double");
    return Number(text);
  }),
  celFunc("bool", [STRING], BOOL, (text) => {
    if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
    if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
    throw conversionError("bool");
  }),
];

/** Every function Kubernetes' CRD validation environment adds on top of the CEL standard library. */
export const kubernetesLibrary: readonly CelFunc[] = [
  ...strings,
  ...conversionFunctions,
  ...netFunctions,
  ...urlFunctions,
  ...quantityFunctions,
  ...formatFunctions,
  ...listFunctions,
  ...regexFunctions,
];
