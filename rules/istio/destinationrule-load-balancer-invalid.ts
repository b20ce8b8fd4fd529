import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { validateLoadBalancers } from "../../src/validation/destination-rule.js";
import { pick, webhookAliases } from "../../src/validation/common.js";
import { K } from "../../src/model/kinds.js";

const messages = {
  cookieNameMissing: 'A consistent-hash "httpCookie" needs a "name".',
  cookieAttributeInvalid: 'Cookie attribute name "{{value}}" is empty or repeated.',
  ringSizeDeprecated: '"consistentHash.minimumRingSize" is deprecated; use "ringHash.minimumRingSize".',
  ringSizeConflict: '"consistentHash.minimumRingSize" cannot be combined with "{{field}}".',
  maglevTableSize: '"maglev.tableSize" is {{value}}; Istio requires a prime number below 5000011.',
  localityExclusive: '"{{field}}" and "{{other}}" cannot be set together.',
  failoverPriorityTopology: '"failoverPriority" cannot use topology label "{{value}}" together with "failover".',
  localityWeight: 'Weight {{value}} for locality "{{locality}}" is outside 1-100.',
  localityTotal: 'The weights distributed from "{{locality}}" add up to {{total}}; Istio requires 100.',
  localityInvalid: 'Locality "{{value}}" is not valid: {{reason}}.',
  failoverInvalid: 'Failover from "{{from}}" to "{{to}}" is not valid: {{reason}}.',
  failoverWithoutOutlier: 'Locality failover only happens with "outlierDetection" set in the same traffic policy.',
  warmupAggression: '"warmup.aggression" is 0; Istio requires a value greater than 0.',
  ...pick("durationPrecision"),
};

export default defineRule({
  meta: {
    id: "destinationrule-load-balancer-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A DestinationRule load balancer breaks Istio's webhook validation: consistent hash, maglev, locality distribute/failover, warmup.",
    aliases: webhookAliases(messages, ["ringSizeDeprecated", "failoverWithoutOutlier"]),
    messages,
  },
  target: [K.DestinationRule],
  reads: [],
  check(dr, ctx) {
    reportProblems(ctx, dr, validateLoadBalancers(dr));
  },
});
