import { parseManifests } from "../../src/load/load.js";
import type { ResourceIndex } from "../../src/model/resource-index.js";
import { buildIndex } from "../../src/project/project.js";
import { type SettingsInput, makeSettings } from "../../src/project/settings.js";

/** An index over the objects of a YAML stream, as the loader would build it. */
export function indexOf(yaml: string, settings: SettingsInput = {}): ResourceIndex {
  const parsed = parseManifests("test.yaml", yaml);
  if (parsed.issues.length) throw new Error(`bad test YAML: ${parsed.issues.map((i) => i.messageId).join(", ")}`);
  return buildIndex(parsed.resources, makeSettings(settings));
}
