import { defineRule } from "../../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "template-not-rendered",
    area: "core",
    category: "input",
    severity: "warning",
    description: "A Kustomize overlay or Helm chart was not rendered because its tool is missing, so none of its objects were checked.",
    messages: {
      kustomize: 'Kustomization "{{root}}"{{by}} was not rendered: {{why}}, so none of its objects were checked.',
      kustomizeHelm: 'Kustomization "{{root}}"{{by}} inflates Helm charts and {{why}}, so none of its objects were checked.',
      helm: 'Helm chart "{{root}}"{{by}} was not rendered: {{why}}, so none of its objects were checked.',
    },
  },
});
