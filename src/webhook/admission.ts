import { type JsonObject, asObject, asString } from "../base/json.js";

// admission.k8s.io AdmissionReview, as much of it as meshlint reads and writes. @kubernetes/client-node has no type
// for it, and a webhook must read what the API server sends defensively anyway: every field is checked, none assumed.

export type Operation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface AdmissionRequest {
  readonly uid: string;
  readonly kind: GroupVersionKind;
  readonly namespace: string;
  readonly name: string;
  readonly operation: Operation;
  readonly object: JsonObject | undefined;
  readonly oldObject: JsonObject | undefined;
  readonly dryRun: boolean;
  readonly username: string | undefined;
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { readonly code: number; readonly reason?: string; readonly message: string };
  readonly warnings?: readonly string[];
}

/** The AdmissionReview versions meshlint answers; the answer is in the version of the question. */
export const REVIEW_VERSIONS = ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"] as const;
export type ReviewVersion = (typeof REVIEW_VERSIONS)[number];

export type Decoded =
  | { readonly ok: true; readonly version: ReviewVersion; readonly request: AdmissionRequest }
  | { readonly ok: false; readonly version: ReviewVersion; readonly uid: string | undefined; readonly problem: string };

const OPERATIONS = new Set<string>(["CREATE", "UPDATE", "DELETE", "CONNECT"]);

/** Reads an AdmissionReview from a request body; a body it cannot use says why (and the uid, when one is readable). */
export function decodeReview(body: string): Decoded {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    // Not JSON: a uid may still be found, so that the API server can match the refusal to its request.
    return { ok: false, version: "admission.k8s.io/v1", uid: /"uid"\s*:\s*"([^"\\]{1,128})"/.exec(body)?.[1], problem: `the body is not JSON: ${(error as Error).message}` };
  }
  const review = asObject(parsed);
  const apiVersion = asString(review?.apiVersion);
  const version: ReviewVersion = apiVersion === "admission.k8s.io/v1beta1" ? apiVersion : "admission.k8s.io/v1";
  const request = asObject(review?.request);
  const uid = asString(request?.uid);
  const fail = (problem: string): Decoded => ({ ok: false, version, uid, problem });
  if (!review || review.kind !== "AdmissionReview" || !REVIEW_VERSIONS.includes(apiVersion as ReviewVersion)) {
    return fail(`expected an AdmissionReview of ${REVIEW_VERSIONS.join(" or ")}, got kind "${String(review?.kind)}" of "${String(apiVersion)}"`);
  }
  if (!request) return fail("the AdmissionReview has no request");
  if (!uid) return fail("the request has no uid");
  const kind = asObject(request.kind);
  const operation = asString(request.operation);
  if (!kind || !asString(kind.kind) || !operation || !OPERATIONS.has(operation)) return fail("the request has no kind or operation");
  const object = asObject(request.object);
  const oldObject = asObject(request.oldObject);
  if ((operation === "CREATE" || operation === "UPDATE") && !object) return fail(`a ${operation} request without an object`);
  return {
    ok: true,
    version,
    request: {
      uid,
      kind: { group: asString(kind.group) ?? "", version: asString(kind.version) ?? "", kind: asString(kind.kind)! },
      namespace: asString(request.namespace) ?? "",
      name: asString(request.name) ?? asString(asObject(object?.metadata)?.name) ?? "",
      operation: operation as Operation,
      object,
      oldObject,
      dryRun: request.dryRun === true,
      username: asString(asObject(request.userInfo)?.username),
    },
  };
}

/** An AdmissionReview answering one request. */
export function encodeReview(version: ReviewVersion, response: AdmissionResponse): string {
  return JSON.stringify({ apiVersion: version, kind: "AdmissionReview", response });
}
