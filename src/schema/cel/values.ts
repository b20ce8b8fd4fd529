/**
 * Typing of resource data for CEL, following k8s.io/apiserver/pkg/cel/common (SchemaDeclType, UnstructuredToVal)
 * and the property-name escaping of k8s.io/apiserver/pkg/cel/escaping.go.
 */
import { create } from "@bufbuild/protobuf";
import { DurationSchema, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { setOwn } from "../../base/json.js";
import type { SchemaNode } from "../convert.js";
import { decodeStdBase64 } from "./formats.js";
import { durationParts, parseDateTime, parseFullDate, parseStrfmtDuration, type Instant } from "../../base/go/time.js";

const RESERVED = new Set([
  "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if",
  "import", "let", "loop", "package", "namespace", "return", "var", "void", "while",
]);

/**
 * The CEL field name Kubernetes gives an object property, or undefined when the property cannot be reached from
 * CEL: reserved words become `__word__`, and `__` `.` `-` `/` become `__underscores__` `__dot__` `__dash__`
 * `__slash__`; names starting with a digit or using other characters are not exposed.
 */
export function escapeCelPropertyName(name: string): string | undefined {
  if (escapedNames.has(name)) return escapedNames.get(name);
  const escaped = escapeName(name);
  // Manifests repeat a few hundred property names: each is escaped once.
  if (escapedNames.size < 10_000) escapedNames.set(name, escaped);
  return escaped;
}

const escapedNames = new Map<string, string | undefined>();

function escapeName(name: string): string | undefined {
  if (name === "" || /^[0-9]/.test(name)) return undefined;
  if (RESERVED.has(name)) return `__${name}__`;
  if (!/^[A-Za-z0-9_./-]*$/.test(name)) return undefined;
  return name.replace(/__|[./-]/g, (m) => ({ __: "__underscores__", ".": "__dot__", "-": "__dash__", "/": "__slash__" })[m]!);
}

/** The single non-null type of a node (`nullable` is stored as `[type, "null"]`). */
function schemaType(schema: SchemaNode): string | undefined {
  const declared = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (declared !== undefined) return declared;
  if (schema.properties !== undefined || typeof schema.additionalProperties === "object") return "object";
  if (schema.items !== undefined) return "array";
  return undefined;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const TYPE_AND_OBJECT_META: Readonly<Record<string, SchemaNode>> = {
  apiVersion: { type: "string" },
  kind: { type: "string" },
  metadata: { type: "object", properties: { name: { type: "string" }, generateName: { type: "string" } } },
};

/** Embedded resources always expose apiVersion, kind and metadata.name/generateName (WithTypeAndObjectMeta). */
function objectProperties(schema: SchemaNode): Record<string, SchemaNode> | undefined {
  if (schema["x-kubernetes-embedded-resource"] !== true) return schema.properties;
  const properties = { ...TYPE_AND_OBJECT_META, ...schema.properties };
  const metadata = properties.metadata;
  if (metadata && !metadata.properties) properties.metadata = TYPE_AND_OBJECT_META.metadata!;
  return properties;
}

/** A map with each of an object's own fields converted. */
function mapFields(data: Record<string, unknown>, convert: (value: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(data)) setOwn(out, k, convert(data[k]));
  return out;
}

/** JSON without a schema: objects stay maps keyed by the original names, whole numbers become ints. */
function untyped(data: unknown): unknown {
  if (data === null || data === undefined) return null;
  if (typeof data === "number") return Number.isInteger(data) ? BigInt(data) : data;
  if (Array.isArray(data)) return data.map(untyped);
  if (isPlainObject(data)) return mapFields(data, untyped);
  return data;
}

const timestamp = (instant: Instant) => create(TimestampSchema, { seconds: instant.seconds, nanos: instant.nanos });

function typedString(data: string, format: string | undefined): unknown {
  try {
    switch (format) {
      case "duration":
        return create(DurationSchema, durationParts(parseStrfmtDuration(data)));
      case "date": {
        const instant = parseFullDate(data);
        return instant ? timestamp(instant) : data;
      }
      case "date-time": {
        const instant = parseDateTime(data);
        return instant ? timestamp(instant) : data;
      }
      case "byte":
        return decodeStdBase64(data) ?? data;
      default:
        return data;
    }
  } catch {
    // Schema validation reports a malformed value; CEL sees the raw string.
    return data;
  }
}

/**
 * Turns resource data (as parsed from YAML) into the value `self` has for a rule at `schema`, the way the apiserver
 * types it: `integer` → int (bigint), `number` → double, objects with `properties` → objects keyed by escaped
 * property names (unknown and null-valued fields are absent, as after pruning), maps (`additionalProperties`) → maps
 * keyed by the original strings, int-or-string → int or string, strings with `format: duration`/`date`/`date-time`/
 * `byte` → duration/timestamp/bytes, and schema-less or preserve-unknown-fields data → plain maps and lists.
 * Values that do not fit the schema are passed through untyped (schema validation reports them).
 */
export function celValue(data: unknown, schema: SchemaNode | undefined): unknown {
  if (data === null || data === undefined) return null;
  if (!schema) return untyped(data);
  if (schema["x-kubernetes-int-or-string"] === true) {
    return typeof data === "number" && Number.isInteger(data) ? BigInt(data) : untyped(data);
  }
  switch (schemaType(schema)) {
    case "object": {
      if (!isPlainObject(data)) return untyped(data);
      const properties = objectProperties(schema);
      if (properties !== undefined) {
        const fields: Record<string, unknown> = {};
        for (const name of Object.keys(data)) {
          const value = data[name];
          const property = properties[name];
          if (value === null || value === undefined || !property) continue;
          const escaped = escapeCelPropertyName(name);
          if (escaped !== undefined) setOwn(fields, escaped, celValue(value, property));
        }
        return fields;
      }
      const valueSchema = schema.additionalProperties;
      if (typeof valueSchema === "object") return mapFields(data, (v) => celValue(v, valueSchema));
      return untyped(data);
    }
    case "array":
      return Array.isArray(data) ? data.map((item) => celValue(item, schema.items)) : untyped(data);
    case "string":
      return typeof data === "string" ? typedString(data, schema.format) : untyped(data);
    case "integer":
      return typeof data === "number" && Number.isInteger(data) ? BigInt(data) : untyped(data);
    case "number":
      return typeof data === "number" ? data : typeof data === "bigint" ? Number(data) : untyped(data);
    default:
      return untyped(data);
  }
}
