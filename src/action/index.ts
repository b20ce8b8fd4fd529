// The entry esbuild bundles into dist-action/index.js, which action.yml runs (`npm run build:action`).
import { runAction } from "./main.js";

await runAction();
