import { defineRule } from "../../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "template-skipped",
    area: "core",
    category: "input",
    severity: "info",
    description: "Helm templates and Kustomize inputs are not cluster objects; lint their rendered output instead.",
    messages: {
      helm: "{{count}} Helm template file(s) not linted ({{dirs}}); lint the rendered chart: helm template {{dir}} | meshlint -",
      kustomize:
        "{{count}} Kustomize input file(s) not linted ({{dirs}}); lint the rendered output: kustomize build {{dir}} | meshlint -",
    },
  },
});
