import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, asArray, asObject, asString, labelsOf, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "istiod-jwks-fetch-insecure",
    area: "istio",
    category: "security",
    severity: "warning",
    description: "RequestAuthentications make istiod fetch JWKS from URIs, but istiod does not restrict which addresses those may resolve to.",
    aliases: [{ tool: "istioctl", code: "IST0175", match: "same" }],
    messages: {
      unrestricted: 'istiod fetches the signing keys of {{count}} RequestAuthentication(s) ({{names}}) without "BLOCKED_CIDRS_IN_JWKS_URIS".',
    },
  },
  target: [K.Deployment],
  reads: [K.RequestAuthentication],
  check(deployment, ctx) {
    if (labelsOf(deployment).app !== "istiod") return;
    const fetching = ctx.index.all(K.RequestAuthentication).filter(fetchesKeys);
    if (fetching.length === 0) return;
    const containers = asArray(asObject(asObject(spec(deployment).template)?.spec)?.containers);
    const restricted = containers.some((c) =>
      asArray(asObject(c)?.env).some((e) => asString(asObject(e)?.name) === "BLOCKED_CIDRS_IN_JWKS_URIS" && Boolean(asString(asObject(e)?.value))),
    );
    if (restricted) return;
    const shown = fetching.slice(0, 5).map((r) => `${r.namespace}/${r.name}`).join(", ") + (fetching.length > 5 ? `, and ${fetching.length - 5} more` : "");
    ctx.report({
      resource: deployment,
      path: ["spec", "template", "spec", "containers"],
      messageId: "unrestricted",
      data: { count: fetching.length, names: shown },
      related: fetching.slice(0, 5).map((r) => ({ resource: r, path: ["spec", "jwtRules"], message: "makes istiod fetch keys" })),
      help: "Set BLOCKED_CIDRS_IN_JWKS_URIS on the discovery container (e.g. metadata and cluster-internal ranges), so a jwksUri cannot make istiod call internal addresses.",
    });
  },
});

/** A RequestAuthentication makes istiod fetch keys unless every JWT rule carries its keys inline (`jwks`). */
const fetchesKeys = (ra: Resource): boolean => asArray(spec(ra).jwtRules).some((r) => asString(asObject(r)?.jwks) === undefined);
