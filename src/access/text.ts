import type { Backend, ResolvedTarget } from "./types.js";

// Wording shared by every mesh's access engine, so that Istio and Linkerd answers read alike.

/** `Service shop/api port 80 (Deployment shop/api-v1, container port 8080)`, or the workload alone. */
export function describeBackend(target: ResolvedTarget, backend: Backend): string {
  const port = target.port === undefined ? "" : ` port ${target.port}`;
  const head = target.kind === "Service" ? `Service ${target.namespace}/${target.name}${port}` : `${target.resource.kind} ${target.namespace}/${target.name}${port}`;
  if (target.kind !== "Service") return head;
  const pod = backend.workload ? `${backend.workload.resource.kind} ${backend.workload.namespace}/${backend.workload.resource.name}` : "a pod it selects (no workload in the repository)";
  return `${head} (${pod}${backend.containerPort === undefined ? "" : `, container port ${backend.containerPort}`})`;
}
