// What the repository gives evidence of about Linkerd, in the vocabulary of src/model/evidence.ts.
import { holdsKind } from "../model/evidence.js";
import { K } from "../model/kinds.js";
import { isLinted } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";

/**
 * Whether the repository uses Linkerd (any object of a `*.linkerd.io` group): Linkerd's conventions and webhook
 * rules are applied to Gateway API routes only then (an Istio repository's routes are Istio's business).
 */
export const usesLinkerd = (index: ResourceIndex): boolean =>
  index.union("linkerd:uses", [], (r) => (isLinted(r) && (r.group === "linkerd.io" || r.group.endsWith(".linkerd.io")) ? [r.group] : [])).size > 0;

/**
 * Whether references to Servers in a namespace are judged: the repository holds Servers, or it holds the
 * namespace's applications (so their Servers would be here too).
 */
export const serversJudged = (index: ResourceIndex, namespace: string): boolean =>
  holdsKind(index, K.LinkerdServer) || index.workloads().inNamespace(namespace).length > 0;
