import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { refGroup } from "../../src/linkerd/policy-validation.js";
import { asArray, asObject, asString, spec } from "../../src/model/resource.js";

const GW = "gateway.networking.k8s.io";
const POLICY = "policy.linkerd.io";
/** targetRef kinds Linkerd's index accepts, with the groups each may be written with. */
const TARGETS: Readonly<Record<string, readonly string[]>> = { Server: [POLICY], Namespace: [""], HTTPRoute: [POLICY, GW], GRPCRoute: [GW] };
const AUTHN: Readonly<Record<string, string>> = { MeshTLSAuthentication: POLICY, NetworkAuthentication: POLICY, ServiceAccount: "" };

export default defineRule({
  meta: {
    id: "linkerd-authorizationpolicy-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description: "A Linkerd AuthorizationPolicy has a targetRef or requiredAuthenticationRefs that Linkerd's policy webhook denies.",
    messages: {
      targetKindInvalid: 'targetRef kind "{{kind}}" (group "{{group}}") is not a Server, Namespace, HTTPRoute or GRPCRoute.',
      namespaceTargetForeign: 'targetRef names Namespace "{{name}}", but a policy can only target its own namespace "{{namespace}}".',
      authnKindInvalid: 'requiredAuthenticationRefs kind "{{kind}}" is not MeshTLSAuthentication, NetworkAuthentication or ServiceAccount.',
      authnKindRepeated: "requiredAuthenticationRefs lists more than one {{kind}}; at most one of each kind is allowed.",
      authnMeshTLSWithServiceAccount: "requiredAuthenticationRefs lists both a MeshTLSAuthentication and a ServiceAccount; use one of them.",
    },
  },
  target: [K.LinkerdAuthorizationPolicy],
  reads: [],
  check(policy, ctx) {
    const s = spec(policy);
    const target = asObject(s.targetRef);
    const kind = asString(target?.kind);
    if (target && kind) {
      const group = refGroup(target.group);
      // Own entries only: a kind such as "constructor" or "toString" must not find Object.prototype's members.
      const groups = Object.hasOwn(TARGETS, kind) ? TARGETS[kind] : undefined;
      // An unwritten group is not judged: Linkerd's examples write it, and its defaulting differs by kind.
      if (!groups || (asString(target.group) !== undefined && !groups.includes(group))) {
        ctx.report({ resource: policy, path: ["spec", "targetRef", "kind"], messageId: "targetKindInvalid", data: { kind, group }, help: "Target a Server, an HTTPRoute or GRPCRoute attached to a Server, or the policy's Namespace." });
      } else if (kind === "Namespace" && asString(target.name) !== undefined && target.name !== policy.namespace) {
        ctx.report({ resource: policy, path: ["spec", "targetRef", "name"], messageId: "namespaceTargetForeign", data: { name: asString(target.name) ?? "", namespace: policy.namespace }, help: "Create the policy in the namespace it is meant for." });
      }
    }
    const seen = new Map<string, number>();
    asArray(s.requiredAuthenticationRefs).forEach((value, i) => {
      const ref = asObject(value);
      const refKind = asString(ref?.kind);
      if (!ref || !refKind) return;
      const path = ["spec", "requiredAuthenticationRefs", i];
      if (!Object.hasOwn(AUTHN, refKind)) {
        ctx.report({ resource: policy, path: [...path, "kind"], messageId: "authnKindInvalid", data: { kind: refKind }, help: "Reference a MeshTLSAuthentication, a NetworkAuthentication or a ServiceAccount." });
        return;
      }
      const count = (seen.get(refKind) ?? 0) + 1;
      seen.set(refKind, count);
      if (count === 2) ctx.report({ resource: policy, path, messageId: "authnKindRepeated", data: { kind: refKind }, help: `List several identities in one ${refKind} instead.` });
      if (count === 1 && ((refKind === "ServiceAccount" && seen.has("MeshTLSAuthentication")) || (refKind === "MeshTLSAuthentication" && seen.has("ServiceAccount")))) {
        ctx.report({ resource: policy, path, messageId: "authnMeshTLSWithServiceAccount", help: "Put the ServiceAccount into the MeshTLSAuthentication's identityRefs." });
      }
    });
  },
});
