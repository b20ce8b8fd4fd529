/**
 * Scalar checks Linkerd's policy admission webhook (policy-controller, Rust) makes beyond the CRD schema, paraphrased
 * from linkerd2 edge-26.8.3 (runtime/src/admission.rs, runtime/src/validation.rs, k8s/api policy types): the Server
 * enums, identity syntax, network CIDR/except rules, and the "is this repository a Linkerd one" gate.
 */
import { type Prefix, parseAddr, parsePrefix, prefixContainsPrefix } from "../base/go/net.js";
import { type FieldPath, asArray, asObject, asString } from "../model/resource.js";

/** `accessPolicy` values (DefaultPolicy::from_str); also the values of `config.linkerd.io/default-inbound-policy`. */
export const ACCESS_POLICIES: readonly string[] = [
  "all-authenticated",
  "all-unauthenticated",
  "cluster-authenticated",
  "cluster-unauthenticated",
  "deny",
  "audit",
];

/** `proxyProtocol` values the webhook's Rust enum accepts (the CRD has no enum). */
export const PROXY_PROTOCOLS: readonly string[] = ["unknown", "HTTP/1", "HTTP/2", "gRPC", "opaque", "TLS"];

const TRUST_DOMAIN = /^[a-z0-9._-]+$/;
const SPIFFE_SEGMENT = /^[A-Za-z0-9._-]+$/;
const DNS_LABEL = /^[a-z0-9-]+$/;

/** Why Linkerd's validate_identity refuses a MeshTLS identity (a SPIFFE id or a DNS-like name), or undefined. */
export function identityProblem(id: string): string | undefined {
  if (id.startsWith("spiffe://")) {
    const rest = id.slice("spiffe://".length);
    const slash = rest.indexOf("/");
    const domain = slash < 0 ? rest : rest.slice(0, slash);
    if (!TRUST_DOMAIN.test(domain)) return "the SPIFFE trust domain must be lowercase letters, digits, \"-\", \".\" or \"_\"";
    if (slash < 0) return undefined;
    const segments = rest.slice(slash + 1).split("/");
    for (const s of segments) {
      if (s === "") return "the SPIFFE path has an empty segment (or a trailing \"/\")";
      if (s === "." || s === "..") return `the SPIFFE path has a "${s}" segment`;
      if (!SPIFFE_SEGMENT.test(s)) return `the SPIFFE path segment "${s}" has a character other than letters, digits, "-", "." or "_"`;
    }
    return undefined;
  }
  if (id === "*") return undefined;
  const labels = id.split(".");
  for (const [i, label] of labels.entries()) {
    if (i === 0 && label === "*") continue;
    if (!DNS_LABEL.test(label)) return `"${label}" is not a label of lowercase letters, digits and "-" (only the first label may be "*")`;
  }
  return undefined;
}

/** Linkerd's network address: a CIDR, or a bare IP address (a host network). */
export function parseNetwork(text: string): Prefix | undefined {
  try {
    if (text.includes("/")) return parsePrefix(text);
    const addr = parseAddr(text);
    return { addr, bits: addr.length * 8 };
  } catch {
    return undefined;
  }
}

export type NetworkMessage = "networksEmpty" | "cidrInvalid" | "exceptInvalid" | "exceptOutside" | "exceptCoversAll";

export const NETWORK_MESSAGES: Readonly<Record<NetworkMessage, string>> = {
  networksEmpty: "networks is empty; Linkerd requires at least one network.",
  cidrInvalid: 'cidr "{{value}}" is not an IP network (CIDR) or IP address.',
  exceptInvalid: 'except "{{value}}" is not an IP network (CIDR) or IP address.',
  exceptOutside: 'except "{{value}}" does not lie inside cidr "{{cidr}}".',
  exceptCoversAll: 'except "{{value}}" covers all of cidr "{{cidr}}", so the network matches nothing.',
};

export interface NetworkIssue {
  readonly path: FieldPath;
  readonly messageId: NetworkMessage;
  readonly data: Readonly<Record<string, string>>;
}

/** The webhook's validate_networks: a non-empty list, each `except` inside its `cidr` and not all of it. */
export function networkIssues(networks: unknown, path: FieldPath): NetworkIssue[] {
  if (!Array.isArray(networks)) return [];
  if (networks.length === 0) return [{ path, messageId: "networksEmpty", data: {} }];
  const out: NetworkIssue[] = [];
  asArray(networks).forEach((n, i) => {
    const net = asObject(n);
    const cidrText = asString(net?.cidr);
    if (cidrText === undefined) return;
    const cidr = parseNetwork(cidrText);
    if (!cidr) {
      out.push({ path: [...path, i, "cidr"], messageId: "cidrInvalid", data: { value: cidrText } });
      return;
    }
    asArray(net?.except).forEach((e, j) => {
      const text = asString(e);
      if (text === undefined) return;
      const at = [...path, i, "except", j];
      const except = parseNetwork(text);
      if (!except) out.push({ path: at, messageId: "exceptInvalid", data: { value: text } });
      else if (prefixContainsPrefix(except, cidr)) out.push({ path: at, messageId: "exceptCoversAll", data: { value: text, cidr: cidrText } });
      else if (!prefixContainsPrefix(cidr, except)) out.push({ path: at, messageId: "exceptOutside", data: { value: text, cidr: cidrText } });
    });
  });
  return out;
}

/** Whether two networks share an address (one contains the other's first address). */
export const networksOverlap = (a: Prefix, b: Prefix): boolean => prefixContainsPrefix(a, b) || prefixContainsPrefix(b, a);

/** A Kubernetes reference's group with Linkerd's `core` spelling read as the core group. */
export const refGroup = (value: unknown): string => {
  const g = asString(value) ?? "";
  return g === "core" ? "" : g;
};
