// What the repository holds evidence of. A reference is judged only where the repository holds what it would
// resolve to: a repository of mesh policies alone keeps its workloads elsewhere (istio/istio#40861, #51273), and a
// reference into a namespace the repository does not speak for names something managed elsewhere. Reporting those as
// missing would be noise, so every such question is asked here, in one vocabulary; each mesh adds the questions of its
// own in src/<mesh>/evidence.ts, built on these. Objects the installation is assumed to provide, and CRDs given with
// --crds, are never evidence: only what meshlint lints is (isLinted).
import { K, type KindKey } from "./kinds.js";
import { isLinted } from "./resource.js";
import { type ResourceIndex, WORKLOAD_KINDS } from "./resource-index.js";

/** The repository defines objects of this kind (anywhere): a repository without any DestinationRule keeps them elsewhere. */
export const holdsKind = (index: ResourceIndex, kind: KindKey): boolean => index.inRepository(kind);

/** The repository defines objects of this kind in this namespace. */
export const holdsKindIn = (index: ResourceIndex, kind: KindKey, namespace: string): boolean =>
  index.inNamespace(kind, namespace).some(isLinted);

/** The repository declares this Namespace object itself (its labels and annotations are known). */
export const declaresNamespace = (index: ResourceIndex, namespace: string): boolean => {
  const declared = index.namespaces().declared(namespace);
  return declared !== undefined && isLinted(declared);
};

/** The repository holds a workload of its own (a pod template or a Pod), so selectors can be judged at all. */
export const holdsWorkloads = (index: ResourceIndex): boolean =>
  index.fact("evidence/holds-workloads", WORKLOAD_KINDS, (i) => i.workloads().all.some((w) => isLinted(w.resource)));

/** The repository holds a namespace's applications (workloads or ServiceAccounts): references into it are judged. */
export const holdsApplicationsIn = (index: ResourceIndex, namespace: string): boolean =>
  index.workloads().inNamespace(namespace).length > 0 || holdsKindIn(index, K.ServiceAccount, namespace);

/** The repository speaks for a namespace's Services: it holds some Service there, or declares the Namespace. */
export const speaksForServicesIn = (index: ResourceIndex, namespace: string): boolean =>
  holdsKindIn(index, K.Service, namespace) || declaresNamespace(index, namespace);
