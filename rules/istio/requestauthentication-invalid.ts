import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { validateRequestAuthentication } from "../../src/validation/security.js";
import { pick, webhookAliases } from "../../src/validation/common.js";
import { K } from "../../src/model/kinds.js";

const messages = {
  issuerMissing: 'A JWT rule needs an "issuer" (or a "jwksUri").',
  jwksInvalid: '"jwks" is not a JSON Web Key Set: {{reason}}.',
  jwksPrivateKey: '"jwks" contains private key material; publish public keys only.',
  ...pick("durationPrecision"),
};

export default defineRule({
  meta: {
    id: "requestauthentication-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A RequestAuthentication breaks Istio's webhook validation: a JWT rule without issuer, an inline JWKS that does not parse or holds private keys.",
    aliases: webhookAliases(messages, ["jwksPrivateKey"]),
    messages,
  },
  target: [K.RequestAuthentication],
  reads: [],
  check(ra, ctx) {
    reportProblems(ctx, ra, validateRequestAuthentication(ra));
  },
});
