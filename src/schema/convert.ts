/** A JSON Schema node as meshlint stores it: draft-07 keywords plus the Kubernetes extensions it enforces itself. */
export interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  format?: string;
  pattern?: string;
  allOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  not?: SchemaNode;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minProperties?: number;
  maxProperties?: number;
  "x-kubernetes-validations"?: CelValidation[];
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  [keyword: string]: unknown;
}

export interface CelValidation {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: string;
  optionalOldSelf?: boolean;
}

/** Keywords that only document a schema; dropped to keep the committed schemas small. */
const DOCUMENTATION = new Set(["description", "example", "externalDocs", "title", "x-kubernetes-map-type"]);

/** The fields of ObjectMeta a manifest may set (the apiserver rejects others under strict field validation). */
const OBJECT_META: SchemaNode = {
  type: "object",
  additionalProperties: false,
  properties: {
    name: { type: "string" },
    generateName: { type: "string" },
    namespace: { type: "string" },
    labels: { type: "object", additionalProperties: { type: "string" } },
    annotations: { type: "object", additionalProperties: { type: "string" } },
    finalizers: { type: "array", items: { type: "string" } },
    ownerReferences: { type: "array", items: { type: "object" } },
    uid: { type: "string" },
    resourceVersion: { type: "string" },
    generation: { type: "integer" },
    creationTimestamp: { type: ["string", "null"] },
    deletionTimestamp: { type: ["string", "null"] },
    deletionGracePeriodSeconds: { type: "integer" },
    managedFields: { type: "array", items: { type: "object" } },
    selfLink: { type: "string" },
  },
};

export const objectMetaSchema = (): SchemaNode => structuredClone(OBJECT_META);

/** What is checked of objects of kinds without a CRD (core kinds, unknown groups): ObjectMeta alone. */
export const METADATA_SCHEMA: SchemaNode = { type: "object", properties: { metadata: objectMetaSchema() } };

/**
 * Turns a CRD version's `openAPIV3Schema` into the JSON Schema meshlint validates with, faithful to what the
 * apiserver checks (where kubeconform's converter is not):
 * - objects reject unknown fields unless `x-kubernetes-preserve-unknown-fields`; the fields a combinator branch
 *   names count as known on the object, and the branches themselves stay open (they only add constraints);
 * - `x-kubernetes-int-or-string` accepts an integer or a string, and `nullable` accepts null;
 * - `metadata` is ObjectMeta, and `apiVersion`/`kind` are strings.
 * `default`, `x-kubernetes-list-type`/`-list-map-keys` and `x-kubernetes-validations` are kept for the passes that
 * ajv cannot do (defaulting, list uniqueness, CEL); ajv ignores them.
 */
export function convertCrdSchema(openAPIV3Schema: unknown): SchemaNode {
  const root = convertNode(openAPIV3Schema, true);
  root.type ??= "object";
  root.properties ??= {};
  root.properties.apiVersion = { type: "string" };
  root.properties.kind = { type: "string" };
  root.properties.metadata = { ...objectMetaSchema(), ...pick(root.properties.metadata, ["x-kubernetes-validations"]) };
  if (root["x-kubernetes-preserve-unknown-fields"] !== true) root.additionalProperties = false;
  return root;
}

function pick(node: SchemaNode | undefined, keys: string[]): Partial<SchemaNode> {
  const out: Partial<SchemaNode> = {};
  for (const k of keys) if (node && k in node) out[k] = node[k];
  return out;
}

const VALIDATION_STRINGS = ["message", "messageExpression", "fieldPath", "reason"] as const;

/** What a value found where the apiserver wants another type is, for the message that refuses the CRD. */
const typeOf = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "a list" : typeof v === "object" ? "a map" : `a ${typeof v}`);

/**
 * A schema node's CEL rules, as the apiserver decodes them: a list of objects with a `rule` string and optional
 * strings beside it (a null is Go's "not set"). Anything else makes it refuse the CRD, so meshlint refuses it too (the
 * registry reports it on the CRD); before, a numeric message or a rule list written as a map failed every object of
 * the kind with internal errors.
 */
function celValidations(value: unknown): CelValidation[] {
  if (value === null) return [];
  const shape = (problem: string) => new Error(`x-kubernetes-validations${problem}`);
  if (!Array.isArray(value)) throw shape(` must be a list of rules, not ${typeOf(value)}`);
  value.forEach((rule: unknown, i) => {
    if (typeof rule !== "object" || rule === null || Array.isArray(rule)) throw shape(`[${i}] must be a map with a rule, not ${typeOf(rule)}`);
    const fields = rule as Record<string, unknown>;
    if (typeof fields.rule !== "string" || !fields.rule.trim()) throw shape(`[${i}].rule must be a CEL expression (a string), not ${typeof fields.rule === "string" ? "empty" : typeOf(fields.rule)}`);
    for (const k of VALIDATION_STRINGS) {
      if (fields[k] !== undefined && fields[k] !== null && typeof fields[k] !== "string") throw shape(`[${i}].${k} must be a string, not ${typeOf(fields[k])}`);
    }
    if (fields.optionalOldSelf !== undefined && fields.optionalOldSelf !== null && typeof fields.optionalOldSelf !== "boolean") throw shape(`[${i}].optionalOldSelf must be true or false, not ${typeOf(fields.optionalOldSelf)}`);
  });
  return value as CelValidation[];
}

/**
 * A node's `type`: one word in a CRD (Go's JSONSchemaProps.Type is a string, so the apiserver refuses a list; null is
 * "not set"). Checked before ajv sees the schema: its meta-schema compares the items of a `type` list pairwise, so a
 * 10,000-item list took over 2 s of CPU to be refused.
 */
function schemaType(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== "string") throw new Error(`type must be one word such as "string" and not ${typeOf(value)}`);
  return value;
}

function convertNode(input: unknown, structural: boolean): SchemaNode {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return {};
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (DOCUMENTATION.has(key)) continue;
    switch (key) {
      case "properties":
        out.properties = Object.fromEntries(
          Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => [k, convertNode(v, structural)]),
        );
        break;
      case "items":
        out.items = convertNode(value, structural);
        break;
      case "additionalProperties":
        out.additionalProperties = typeof value === "boolean" ? value : convertNode(value, structural);
        break;
      case "allOf":
      case "anyOf":
      case "oneOf":
        out[key] = ((value ?? []) as unknown[]).map((v) => convertNode(v, false));
        break;
      case "not":
        out.not = convertNode(value, false);
        break;
      case "x-kubernetes-validations":
        out[key] = celValidations(value);
        break;
      case "type": {
        const type = schemaType(value);
        if (type !== undefined) out.type = type;
        break;
      }
      default:
        out[key] = value;
    }
  }

  if (out["x-kubernetes-int-or-string"] === true) {
    delete out.type;
    if (!out.anyOf && !out.oneOf) out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  // Spelled as a null type (ajv's own `nullable` needs a single `type`), which also marks what pruning keeps.
  if (out.nullable === true) allowNull(out);
  delete out.nullable;
  if (structural && isObjectNode(out)) closeObject(out);
  return out;
}

const isObjectNode = (n: SchemaNode) => n.type === "object" || (n.type === undefined && n.properties !== undefined);

/** Whether a field may hold null; the apiserver drops nulls of other fields before validating (pruning). */
export const acceptsNull = (node: SchemaNode): boolean =>
  (Array.isArray(node.type) && node.type.includes("null")) || (node.anyOf ?? []).some((b) => b.type === "null");

function allowNull(node: SchemaNode): void {
  if (typeof node.type === "string") node.type = [node.type, "null"];
  if (node.enum && !node.enum.includes(null)) node.enum = [...node.enum, null];
  if (node.anyOf && node.type === undefined) node.anyOf = [...node.anyOf, { type: "null" }];
}

/** Unknown fields are errors on a structural object, unless it preserves them or is a map (additionalProperties). */
function closeObject(node: SchemaNode): void {
  if (node["x-kubernetes-preserve-unknown-fields"] === true || node.additionalProperties !== undefined) return;
  if (!node.properties) {
    // `type: object` with no properties and no preserve flag: the apiserver prunes every field; treat as open
    // rather than report each one (such schemas are placeholders in the CRDs meshlint bundles).
    return;
  }
  for (const name of namedInBranches(node)) node.properties[name] ??= {};
  if (node["x-kubernetes-embedded-resource"] === true) {
    node.properties.apiVersion ??= { type: "string" };
    node.properties.kind ??= { type: "string" };
    node.properties.metadata ??= { type: "object" };
  }
  node.additionalProperties = false;
}

function namedInBranches(node: SchemaNode): string[] {
  const names: string[] = [];
  const visit = (n: SchemaNode | undefined) => {
    if (!n) return;
    names.push(...Object.keys(n.properties ?? {}), ...(n.required ?? []));
    for (const branch of [...(n.allOf ?? []), ...(n.anyOf ?? []), ...(n.oneOf ?? [])]) visit(branch);
    visit(n.not);
  };
  for (const branch of [...(node.allOf ?? []), ...(node.anyOf ?? []), ...(node.oneOf ?? [])]) visit(branch);
  visit(node.not);
  return names;
}
