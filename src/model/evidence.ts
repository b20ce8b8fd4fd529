// What the repository holds evidence of. A reference is judged only where the repository holds what it would
// resolve to: a repository of mesh policies alone keeps its workloads elsewhere (istio/istio#40861, #51273), and a
// reference into a namespace the repository does not speak for names something managed elsewhere. Reporting those as
// missing would be noise, so every such question is asked here, in one vocabulary; each mesh adds the questions of its
// own in src/<mesh>/evidence.ts, built on these. Objects the installation is assumed to provide, and CRDs given with
// --crds, are never evidence: only what meshlint lints is (isLinted).
import { K, type KindKey } from "./kinds.js";
import { annotationsOf, isLinted, labelsOf } from "./resource.js";
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

/**
 * Whether the repository owns a namespace's Services, so that a Service missing there is missing rather than
 * installed by something else: it declares the Namespace (it creates it, so what runs there is its own), or the
 * namespace is the one its manifests are applied to (--namespace, where objects that name none land) and it holds
 * Services there. A repository that only adds objects to a namespace it does not create (`metadata.namespace`, no
 * Namespace object) shares that namespace with other installs, such as a Helm release of the application.
 */
export const ownsServicesIn = (index: ResourceIndex, namespace: string): boolean =>
  declaresNamespace(index, namespace) || (namespace === index.settings.defaultNamespace && holdsKindIn(index, K.Service, namespace));

/**
 * Whether the repository marks some Namespace or pod template with a label or annotation whose key `isMark` accepts:
 * a mesh's injection and proxy settings (`istio-injection`, `linkerd.io/inject`, `sidecar.istio.io/…`) say the
 * mesh runs where the repository deploys.
 */
export const marksWorkloadsOrNamespaces = (index: ResourceIndex, key: string, isMark: (key: string) => boolean): boolean =>
  index.fact(`evidence/marks:${key}`, [K.Namespace, ...WORKLOAD_KINDS], (i) => {
    const marked = (meta: Readonly<Record<string, string>>) => Object.keys(meta).some(isMark);
    if (i.all(K.Namespace).some((ns) => isLinted(ns) && (marked(labelsOf(ns)) || marked(annotationsOf(ns))))) return true;
    return i.workloads().all.some((w) => isLinted(w.resource) && (marked(w.labels) || marked(w.annotations)));
  });

/** Whether a pod template of the repository runs a container of this name (a mesh's proxy, written out or injected). */
export const runsContainerNamed = (index: ResourceIndex, name: string): boolean =>
  index.fact(`evidence/container:${name}`, WORKLOAD_KINDS, (i) =>
    i.workloads().all.some((w) => isLinted(w.resource) && [...w.containers, ...w.initContainers].some((c) => c.name === name)),
  );
