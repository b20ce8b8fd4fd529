// The fixture harness itself: expectations must name rule, message and column, and the old short form fails loudly.
import { describe, expect, it } from "vitest";
import { ExpectationError, actualFindings, declaredFindings, lintFixture } from "./helpers/fixtures.js";
import { tempRepo } from "./helpers/temp-repo.js";
import { join } from "node:path";

const SERVICE = `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ name: http, port: 80 }] }
`;
const fixture = (text: string, sidecar?: string) => {
  const dir = tempRepo({ "f.yaml": text, ...(sidecar === undefined ? {} : { "f.yaml.expect": sidecar }) });
  return join(dir, "f.yaml");
};

describe("fixture expectations", () => {
  it("read rule, message and column, several per line, in position order", () => {
    const path = fixture("a: 1 # expect: rule-b/second@9, rule-a/first@3\nb: 2\n# expect-file: rule-c/whole\n", "rule-d/sidecar\n");
    expect(declaredFindings(path)).toEqual(["1:3 rule-a/first", "1:9 rule-b/second", "file rule-c/whole", "file rule-d/sidecar"]);
  });

  it("reject the short form, saying what to write", () => {
    const path = fixture("a: 1 # expect: virtualservice-subset-not-found\n");
    expect(() => declaredFindings(path)).toThrow(ExpectationError);
    expect(() => declaredFindings(path)).toThrow(/f\.yaml:1: "virtualservice-subset-not-found" names no message.*# expect: <rule-id>\/<messageId>@<column>/);
    expect(() => declaredFindings(fixture("a: 1\n", "file-skipped\n"))).toThrow(/f\.yaml\.expect: "file-skipped" names no message/);
  });

  it("reject a line finding without a column and a file finding with one", () => {
    expect(() => declaredFindings(fixture("a: 1 # expect: rule-a/first\n"))).toThrow(/has no column/);
    expect(() => declaredFindings(fixture("# expect-file: rule-a/first@3\n"))).toThrow(/has no column; write `rule-a\/first`/);
    expect(() => declaredFindings(fixture("a: 1 # expect: rule-a/first@3 because\n"))).toThrow(/cannot read the expectation/);
  });

  it("compare with what linting reports, column included", async () => {
    const path = fixture(`${SERVICE}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: shop }
spec:
  hosts: [web]
  http:
    - route:
        - destination:
            host: nope
`);
    const actual = actualFindings(await lintFixture(path));
    expect(actual).toEqual(["14:19 virtualservice-destination-host-not-found/hostNotFound"]);
  });
});
