import { type Resource, labelsOf, isLinted } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import type { Selector } from "../model/selectors.js";
import { MUTATING_WEBHOOK_CONFIGURATION, type Webhook, isIstioWebhook, selectorAdmits, webhooksOf } from "./webhooks.js";

const REV = "istio.io/rev";

/**
 * For each webhook of Istio's injection configurations, the other webhooks that also match some combination of
 * namespace labels (none, `istio-injection=enabled|disabled`) and pod labels (none, `sidecar.istio.io/inject=true|
 * false`), each also with every revision the configurations name: at most one webhook may match any of them, as
 * istioctl's webhook analyzer requires. A configuration counts when a webhook name ends in `istio.io` or it names a
 * revision.
 */
export function injectionWebhookOverlaps(index: ResourceIndex): ReadonlyMap<string, ReadonlySet<Webhook>> {
  return index.memo("istio/injection-webhook-overlaps", [MUTATING_WEBHOOK_CONFIGURATION], () => {
    const configs = index.all(MUTATING_WEBHOOK_CONFIGURATION).filter(isLinted);
    const revisions = new Set<string>();
    const hooks: Webhook[] = [];
    for (const config of configs) {
      const own = webhooksOf(config);
      const revs = revisionsOf(config, own);
      if (revs.length === 0 && !own.some(isIstioWebhook)) continue;
      revs.forEach((r) => revisions.add(r));
      hooks.push(...own);
    }
    const out = new Map<string, Set<Webhook>>();
    const nsLabels = permutations({ "istio-injection": ["enabled", "disabled"] }, revisions);
    const podLabels = permutations({ "sidecar.istio.io/inject": ["true", "false"] }, revisions);
    for (const ns of nsLabels) {
      for (const pod of podLabels) {
        const hit = hooks.filter((h) => selectorAdmits(h.namespaceSelector, ns) && selectorAdmits(h.objectSelector, pod));
        if (hit.length < 2) continue;
        for (const h of hit) {
          const set = out.get(webhookKey(h)) ?? new Set<Webhook>();
          hit.filter((o) => o !== h).forEach((o) => set.add(o));
          out.set(webhookKey(h), set);
        }
      }
    }
    return out;
  });
}

/** Identifies a webhook across separate reads of its configuration. */
export const webhookKey = (w: Webhook): string => `${w.config.id}#${String(w.path[1])}`;

function permutations(base: Record<string, readonly string[]>, revisions: ReadonlySet<string>): Record<string, string>[] {
  const [key, values] = Object.entries(base)[0] ?? ["", []];
  const plain: Record<string, string>[] = [{}, ...values.map((v) => ({ [key]: v }))];
  return [...plain, ...[...revisions].flatMap((rev) => plain.map((p) => ({ ...p, [REV]: rev })))];
}

function revisionsOf(config: Resource, hooks: readonly Webhook[]): string[] {
  const out = new Set<string>();
  const own = labelsOf(config)[REV];
  if (own !== undefined) out.add(own);
  const fromSelector = (s: Selector | undefined) => {
    if (!s) return;
    if (s.matchLabels[REV] !== undefined) out.add(s.matchLabels[REV]);
    for (const e of s.expressions) if (e.key === REV) e.values.forEach((v) => out.add(v));
  };
  for (const h of hooks) {
    fromSelector(h.namespaceSelector);
    fromSelector(h.objectSelector);
  }
  return [...out];
}
