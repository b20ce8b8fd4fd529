import { parseManifests } from "../../src/load/load.js";
import { ResourceIndex } from "../../src/model/resource-index.js";
import { type Settings, makeSettings } from "../../src/model/settings.js";

/** An index over the objects of a YAML stream, as the loader would build it. */
export function indexOf(yaml: string, settings: Partial<Parameters<typeof makeSettings>[0]> = {}): ResourceIndex {
  const parsed = parseManifests("test.yaml", yaml);
  if (parsed.issues.length) throw new Error(`bad test YAML: ${parsed.issues.map((i) => i.messageId).join(", ")}`);
  return ResourceIndex.fromRaw(parsed.resources, makeSettings(settings) as Settings);
}
