/**
 * Labels Istio adds to every endpoint at run time from its Node and mesh (locality, network, cluster), so a
 * pod template never carries them. A subset may select on them; matching against templates must ignore them.
 */
const TOPOLOGY_LABELS = new Set([
  "topology.kubernetes.io/region",
  "topology.kubernetes.io/zone",
  "failure-domain.beta.kubernetes.io/region",
  "failure-domain.beta.kubernetes.io/zone",
  "topology.istio.io/subzone",
  "topology.istio.io/network",
  "topology.istio.io/cluster",
  "kubernetes.io/hostname",
]);

export function withoutTopologyLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !TOPOLOGY_LABELS.has(k)));
}
