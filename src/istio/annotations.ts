import { parse } from "yaml";
import { K, WORKLOAD_TEMPLATES, sameKind } from "../model/kinds.js";
import { type FieldPath, type Resource, asArray, asObject, asString, asStringMap, getPath, isObject } from "../model/resource.js";
import { SIDECAR_INJECT } from "./injection.js";
import { type AnnotationDefinition, type AnnotationValueForm, isIstioAnnotation, lookupAnnotation } from "./annotation-catalog.js";

/** The kinds whose annotations the annotation rules read (their own metadata, and pod templates). */
export const ANNOTATED_KINDS = [K.Namespace, K.Service, ...WORKLOAD_TEMPLATES.map((w) => w.kind)];

/** One Istio-domain annotation written on a resource, with the kind it is judged as. */
export interface IstioAnnotation {
  readonly key: string;
  readonly value: string;
  /** Undefined when Istio does not define the key. */
  readonly definition: AnnotationDefinition | undefined;
  /** `Pod` for a pod template's annotations; the resource's own kind for its metadata. */
  readonly kind: string;
  /** Whether the annotation sits in a workload's pod template. */
  readonly inTemplate: boolean;
  /** The labels beside it (the same metadata). */
  readonly labels: Readonly<Record<string, string>>;
  /** Path to the annotation key in the resource. */
  readonly path: FieldPath;
  /** For a Pod object: whether it runs Istio's `istio-init` container (no CNI plugin). */
  readonly istioInit: boolean;
}

/**
 * Istio annotations of a Namespace, Service, Pod or workload: the object's own metadata, judged as its kind, and
 * for a Deployment, StatefulSet, Job… also its pod template's metadata, judged as a Pod (what istioctl checks on
 * the Pods the template creates).
 */
export function istioAnnotations(resource: Resource): IstioAnnotation[] {
  const sites: { kind: string; metaPath: FieldPath; inTemplate: boolean }[] = [
    { kind: resource.kind, metaPath: ["metadata"], inTemplate: false },
  ];
  const workload = WORKLOAD_TEMPLATES.find((w) => sameKind(w.kind, resource));
  if (workload && workload.template.length > 0) sites.push({ kind: "Pod", metaPath: [...workload.template, "metadata"], inTemplate: true });
  return sites.flatMap((site) => {
    const meta = asObject(getPath(resource.data, site.metaPath));
    const annotations = asStringMap(meta?.annotations) ?? {};
    const labels = asStringMap(meta?.labels) ?? {};
    const podSpec = site.kind === "Pod" && !site.inTemplate ? asObject(resource.data.spec) : undefined;
    const istioInit = asArray(podSpec?.initContainers).some((c) => asString(asObject(c)?.name) === "istio-init");
    return Object.entries(annotations)
      .filter(([key]) => isIstioAnnotation(key))
      .map(([key, value]) => ({
        key,
        value,
        definition: lookupAnnotation(key),
        kind: site.kind,
        inTemplate: site.inTemplate,
        labels,
        path: [...site.metaPath, "annotations", key],
        istioInit,
      }));
  });
}

/** A pod's `sidecar.istio.io/inject` (label, else annotation: the one Istio reads) whose value is neither true nor false. */
export interface InjectValue {
  readonly form: "label" | "annotation";
  readonly value: string;
  readonly path: FieldPath;
}

/**
 * The `sidecar.istio.io/inject` values of a Pod or pod template that Istio's injector reads as nothing: it accepts
 * exactly "true" and "false", and falls back to the namespace's default for anything else (an empty value included,
 * which is not reported: it says nothing either way).
 */
export function unreadInjectValues(resource: Resource): InjectValue[] {
  const workload = WORKLOAD_TEMPLATES.find((w) => sameKind(w.kind, resource));
  if (!workload) return [];
  const metaPath: FieldPath = [...workload.template, "metadata"];
  const meta = asObject(getPath(resource.data, metaPath));
  const labels = asStringMap(meta?.labels) ?? {};
  const annotations = asStringMap(meta?.annotations) ?? {};
  const form = labels[SIDECAR_INJECT] !== undefined ? "label" : annotations[SIDECAR_INJECT] !== undefined ? "annotation" : undefined;
  if (!form) return [];
  const value = (form === "label" ? labels : annotations)[SIDECAR_INJECT] ?? "";
  if (value === "" || value === "true" || value === "false") return [];
  return [{ form, value, path: [...metaPath, form === "label" ? "labels" : "annotations", SIDECAR_INJECT] }];
}

/** Whether an annotation is on a kind its definition does not list (`Any` fits every kind). */
export function isMisplaced(a: IstioAnnotation): boolean {
  const targets: readonly string[] = a.definition?.targets ?? ["Any"];
  return !targets.includes("Any") && !targets.includes(a.kind);
}

/** Why a value is not of the form Istio's injector requires, or undefined when it is. */
export function annotationValueProblem(form: AnnotationValueForm, value: string): string | undefined {
  switch (form) {
    case "uint32":
      return /^\d+$/.test(value) && Number(value) <= 0xffffffff ? undefined : "expected a non-negative integer";
    case "port":
      return isPort(value.trim()) ? undefined : "expected a port number (0-65535)";
    case "portList":
      return portListProblem(value);
    case "portListOrStar":
      return value === "*" ? undefined : portListProblem(value);
    case "cidrList":
      return cidrListProblem(value);
    case "cidrListOrStar":
      return value === "*" ? undefined : cidrListProblem(value);
    case "bool":
      return /^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(value) ? undefined : "expected true or false";
    case "interceptionMode":
      return ["REDIRECT", "TPROXY", "NONE"].includes(value) ? undefined : "expected REDIRECT, TPROXY or NONE";
    case "proxyConfig":
      return proxyConfigProblem(value);
  }
}

const isPort = (s: string): boolean => /^\d+$/.test(s) && Number(s) <= 65535;

function portListProblem(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  const bad = trimmed.split(",").find((p) => !isPort(p.trim()));
  return bad === undefined ? undefined : `"${bad}" is not a port number`;
}

function cidrListProblem(value: string): string | undefined {
  if (value === "") return undefined;
  const bad = value.split(",").find((c) => !isCidr(c));
  return bad === undefined ? undefined : `"${bad}" is not an IP range in CIDR form`;
}

function isCidr(s: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return false;
  const [, ip = "", bits = ""] = m;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return ip.split(".").every((o) => Number(o) <= 255 && !/^0\d/.test(o)) && Number(bits) <= 32;
  return /^[0-9a-fA-F:.]+$/.test(ip) && ip.includes(":") && Number(bits) <= 128;
}

function proxyConfigProblem(value: string): string | undefined {
  try {
    const doc: unknown = parse(value, { version: "1.2" });
    return doc === null || doc === undefined || isObject(doc) ? undefined : "expected a ProxyConfig as a YAML or JSON mapping";
  } catch {
    return "not valid YAML or JSON";
  }
}
