import { decodeStdBase64 } from "./cel/formats.js";
import { isKubernetesCidr, parseAddr } from "../base/go/net.js";
import { parseFullDate, parseStrfmtDuration, isStrfmtDateTime } from "../base/go/time.js";
import { parseUrl } from "../base/go/url.js";

// The `format`s the apiserver checks on CRD fields (k8s.io/apiextensions-apiserver validates with go-openapi's
// strfmt registry restricted to this list); every other format (int32, int64, double, float…) is accepted as is.
// Notably `duration` is a Go duration (`10s`, `1h30m`), not ISO 8601 as in ajv-formats.

const HOSTNAME = /^(?=.{1,253}\.?$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID_VERSION = (v: string) => new RegExp(`^[0-9a-f]{8}-?[0-9a-f]{4}-?${v}[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$`, "i");
const MAC = /^(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}$|^(?:[0-9a-f]{2}[:-]){7}[0-9a-f]{2}$|^(?:[0-9a-f]{4}\.){2}[0-9a-f]{4}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const HEXCOLOR = /^#(?:[0-9a-fA-F]{3}){1,2}$/;
const RGBCOLOR = /^rgb\(\s*\d{1,3}%?\s*,\s*\d{1,3}%?\s*,\s*\d{1,3}%?\s*\)$/;
const BSON_OBJECT_ID = /^[0-9a-fA-F]{24}$/;

const succeeds = (parse: () => unknown): boolean => {
  try {
    return parse() !== undefined;
  } catch {
    return false;
  }
};

/** Checks for the formats the apiserver enforces; undefined for formats it ignores. */
export const KUBERNETES_FORMATS: Readonly<Record<string, (value: string) => boolean>> = {
  bsonobjectid: (v) => BSON_OBJECT_ID.test(v),
  uri: (v) => succeeds(() => parseUrl(v)),
  email: (v) => EMAIL.test(v),
  hostname: (v) => HOSTNAME.test(v),
  // Go's parsers (no leading zeros in IPv4 octets), as the apiserver's.
  ipv4: (v) => !v.includes(":") && succeeds(() => parseAddr(v)),
  ipv6: (v) => v.includes(":") && succeeds(() => parseAddr(v)),
  cidr: isKubernetesCidr,
  mac: (v) => MAC.test(v),
  uuid: (v) => UUID.test(v),
  uuid3: (v) => UUID_VERSION("3").test(v),
  uuid4: (v) => UUID_VERSION("4").test(v),
  uuid5: (v) => UUID_VERSION("5").test(v),
  byte: (v) => decodeStdBase64(v) !== undefined,
  password: () => true,
  date: (v) => parseFullDate(v) !== undefined,
  duration: (v) => succeeds(() => parseStrfmtDuration(v)),
  datetime: isStrfmtDateTime,
  "date-time": isStrfmtDateTime,
  hexcolor: (v) => HEXCOLOR.test(v),
  rgbcolor: (v) => RGBCOLOR.test(v),
};
