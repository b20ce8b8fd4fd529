import { defineRule } from "../../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "template-render-failed",
    area: "core",
    category: "input",
    severity: "warning",
    description: "Rendering a Kustomize overlay or Helm chart failed, so its objects were not checked through it.",
    messages: {
      kustomize: '"{{command}}" could not build "{{root}}"{{by}}: {{detail}}',
      helm: '"{{command}} template" could not render "{{root}}"{{by}}: {{detail}}',
    },
  },
});
