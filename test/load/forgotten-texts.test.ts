// A one-off run drops the texts of files read from disk once parsed, and reads a file again only when one of its
// findings needs a position (SourceFile.forget).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lint } from "../../src/api.js";
import { emptyConfig } from "../../src/engine/config.js";
import { load } from "../../src/load/load.js";
import { tempRepo } from "../helpers/temp-repo.js";

const route = (name: string, host: string) =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: ${name}, namespace: shop }\nspec:\n  hosts: [${name}]\n  http:\n    - route:\n        - destination:\n            host: ${host}\n`;
const FILES = {
  "service.yaml": "apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\nspec:\n  ports: [{ name: http, port: 80 }]\n",
  "plain.yaml": route("one", "nowhere"),
  "directive.yaml": `${route("two", "elsewhere").replace("            host:", "            # meshlint-disable-next-line virtualservice-destination-host-not-found\n            host:")}`,
  "broken.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c\n",
  "cr.yaml": route("three", "web").replaceAll("\n", "\r"),
};

describe("forgotten texts", () => {
  it("forgets only what no later step needs, and reads it again for a position", async () => {
    const dir = tempRepo(FILES);
    const loaded = await load(["."], { cwd: dir, forgetTexts: true });
    const forgotten = (file: string) => loaded.sources.get(file)?.forgotten;
    expect(forgotten("plain.yaml")).toBe(true);
    // A directive is read from every file at the end; a finding's lines are shown after lint() returns; the
    // parsers read a CRLF text changed (lone CRs and glued colons aside, the same text), so it is kept too.
    expect(forgotten("directive.yaml")).toBe(false);
    expect(forgotten("broken.yaml")).toBe(false);
    expect(forgotten("cr.yaml")).toBe(false);
    const plain = loaded.resources.find((r) => r.origin.file === "plain.yaml")!;
    const kept = (await load(["."], { cwd: dir })).resources.find((r) => r.origin.file === "plain.yaml")!;
    const path = ["spec", "http", 0, "route", 0, "destination", "host"];
    expect(plain.origin.locate(path)).toEqual(kept.origin.locate(path));
    expect(forgotten("plain.yaml")).toBe(false);
    expect(loaded.sources.get("plain.yaml")?.text).toBe(FILES["plain.yaml"]);
  });

  it("gives a finding no position when its file changed since it was parsed", async () => {
    const dir = tempRepo(FILES);
    const loaded = await load(["plain.yaml"], { cwd: dir, forgetTexts: true });
    writeFileSync(join(dir, "plain.yaml"), `# moved down\n${FILES["plain.yaml"]}`);
    const plain = loaded.resources.find((r) => r.origin.file === "plain.yaml")!;
    expect(plain.origin.locate(["spec", "hosts"])).toBeUndefined();
    expect(loaded.sources.get("plain.yaml")?.lineText(1)).toBe("");
  });

  it("leaves lint()'s findings as they are, directives included", async () => {
    const dir = tempRepo(FILES);
    const config = emptyConfig(dir);
    const oneOff = await lint(["."], { cwd: dir, config });
    // An incremental run keeps every text.
    const keeping = await lint(["."], { cwd: dir, config, incremental: true });
    expect(oneOff.sources.get("service.yaml")?.forgotten).toBe(true);
    expect(oneOff.sources.get("plain.yaml")?.forgotten).toBe(false);
    expect(keeping.sources.get("plain.yaml")?.forgotten).toBe(false);
    const shown = (r: typeof oneOff) => r.diagnostics.map((d) => `${d.file}:${d.span?.line ?? "-"}:${d.span?.column ?? "-"} ${d.ruleId}`);
    expect(shown(oneOff)).toEqual(shown(keeping));
    expect(shown(oneOff)).toContain("plain.yaml:9:19 virtualservice-destination-host-not-found");
    expect(shown(oneOff).some((d) => d.startsWith("directive.yaml"))).toBe(false);
  });
});
