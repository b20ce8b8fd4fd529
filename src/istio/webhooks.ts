import type { KindKey } from "../model/kinds.js";
import { type FieldPath, type Resource, asArray, asObject, asString, isObject, labelsOf } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { type Selector, matches, selectorFromLabelSelector } from "../model/selectors.js";
import type { Workload } from "../model/workloads.js";
import { defaultWebhooksInject } from "./injection.js";
import { declaresNamespace } from "../model/evidence.js";

export const MUTATING_WEBHOOK_CONFIGURATION: KindKey = Object.freeze({ group: "admissionregistration.k8s.io", kind: "MutatingWebhookConfiguration" });
export const VALIDATING_WEBHOOK_CONFIGURATION: KindKey = Object.freeze({ group: "admissionregistration.k8s.io", kind: "ValidatingWebhookConfiguration" });

/** One entry of a webhook configuration's `webhooks` list. */
export interface Webhook {
  readonly config: Resource;
  readonly name: string;
  readonly path: FieldPath;
  /** Absent: matches every namespace (the API's default). */
  readonly namespaceSelector: Selector | undefined;
  readonly objectSelector: Selector | undefined;
  readonly service: { readonly namespace: string; readonly name: string } | undefined;
  /** `clientConfig.url` as written; undefined when absent or null. */
  readonly url: string | undefined;
}

export function webhooksOf(config: Resource): Webhook[] {
  return asArray(config.data.webhooks).flatMap((w, i) => {
    const hook = asObject(w);
    if (!hook) return [];
    const client = asObject(hook.clientConfig) ?? {};
    const service = asObject(client.service);
    const serviceName = asString(service?.name);
    return [
      {
        config,
        name: asString(hook.name) ?? "",
        path: ["webhooks", i],
        namespaceSelector: isObject(hook.namespaceSelector) ? selectorFromLabelSelector(hook.namespaceSelector) : undefined,
        objectSelector: isObject(hook.objectSelector) ? selectorFromLabelSelector(hook.objectSelector) : undefined,
        service: service && serviceName ? { namespace: asString(service.namespace) ?? "", name: serviceName } : undefined,
        url: asString(client.url),
      },
    ];
  });
}

/** An Istio webhook: its name ends in `istio.io` (`namespace.sidecar-injector.istio.io`, `rev.validation.istio.io`). */
export const isIstioWebhook = (w: Webhook): boolean => w.name.endsWith("istio.io");

export const selectorAdmits = (selector: Selector | undefined, labels: Readonly<Record<string, string>>): boolean =>
  selector === undefined || matches(selector, labels);

/** The repository's Istio sidecar-injection webhooks (built once per run). */
export function istioInjectionWebhooks(index: ResourceIndex): readonly Webhook[] {
  return index.memo("istio/injection-webhooks", [MUTATING_WEBHOOK_CONFIGURATION], () =>
    index.all(MUTATING_WEBHOOK_CONFIGURATION).flatMap(webhooksOf).filter(isIstioWebhook),
  );
}

/**
 * Whether a workload's pods will get a sidecar from the injection webhooks: the repository's Istio webhooks when it
 * holds any, else those of a standard installation. Undefined when that depends on the labels of a namespace the
 * repository does not declare: the platform's install steps often label it (`kubectl label namespace …
 * istio-injection=enabled`), so without the Namespace object nothing is known about them. A repository that holds
 * Istio's injection webhooks is a cluster's configuration written out (what istioctl analyze reads): there a
 * namespace it does not declare has no labels.
 */
export function willBeInjected(index: ResourceIndex, workload: Workload): boolean | undefined {
  const ns = declaresNamespace(index, workload.namespace) ? index.namespaces().declared(workload.namespace) : undefined;
  const webhooks = istioInjectionWebhooks(index);
  if (!ns && webhooks.length === 0) {
    const own = workload.labels["sidecar.istio.io/inject"];
    if (own === "true" || own === "false") return own === "true";
    return undefined;
  }
  const optOut = workload.annotations["sidecar.istio.io/inject"] === "false" && workload.labels["sidecar.istio.io/inject"] !== "true";
  if (optOut) return false;
  const nsLabels = ns ? labelsOf(ns) : {};
  if (webhooks.length === 0) return defaultWebhooksInject(nsLabels, workload.labels);
  return webhooks.some((w) => selectorAdmits(w.namespaceSelector, nsLabels) && selectorAdmits(w.objectSelector, workload.labels));
}
