import { lint } from "../../src/api.js";
import { emptyConfig } from "../../src/engine/config.js";
import { RuleCatalog } from "../../src/engine/catalog.js";
import { builtinRules } from "../../rules/index.js";
import type { ResourceIndex } from "../../src/model/resource-index.js";

/** The index of a folder as `lint()` builds it (loader, config, mesh config), with no rule run. */
export async function indexOfFolder(dir: string, meshConfig?: Record<string, unknown>): Promise<ResourceIndex> {
  const internal = builtinRules().get("internal-error");
  const result = await lint(["."], {
    cwd: dir,
    config: emptyConfig(dir),
    catalog: new RuleCatalog(internal ? [internal] : []),
    ...(meshConfig ? { meshConfig: meshConfig as never } : {}),
  });
  return result.index;
}
