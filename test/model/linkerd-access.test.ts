import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decideAccess, parseSource, parseTarget } from "../../src/access/access.js";
import { clusterCoverage, identityMatches, parseIdentity } from "../../src/linkerd/authorization.js";
import type { ResourceIndex } from "../../src/model/resource-index.js";
import { ROOT } from "../helpers/fixtures.js";
import { indexOfFolder as indexOf } from "../helpers/repo-index.js";

const REPO = join(ROOT, "fixtures", "repos", "emojivoto-authz");


const decide = (index: ResourceIndex, from: string, to: string, method?: string, path?: string) =>
  decideAccess(index, { from: parseSource(from), to: parseTarget(to), method, path });

/** A copy of the fixture repository with files changed or added. */
const temps: string[] = [];
function variant(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "meshlint-linkerd-"));
  temps.push(dir);
  cpSync(REPO, dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe("Linkerd access: emojivoto with voting's gRPC port restricted to web", () => {
  it("lets web call voting's gRPC port, naming the ServerAuthorization entry", async () => {
    const index = await indexOf(REPO);
    const d = decide(index, "emojivoto/sa/web", "emojivoto/voting-svc:8080");
    expect(d.engine).toBe("linkerd");
    expect(d.decision).toBe("allow");
    expect(d.decidedBy?.resource.kind).toBe("ServerAuthorization");
    expect(d.decidedBy?.path).toEqual(["spec", "client", "meshTLS", "serviceAccounts", 0]);
    expect(d.mtls.mode).toBe("STRICT");
    expect(d.mtls.transport).toBe("mtls");
    expect(d.source.principal).toBe("web.emojivoto.serviceaccount.identity.linkerd.cluster.local");
    expect(d.source.inMesh).toBe(true);
  });

  it("denies the emoji and vote-bot service accounts on that port (the Server's default deny)", async () => {
    const index = await indexOf(REPO);
    for (const sa of ["emoji", "vote-bot", "default"]) {
      const d = decide(index, `emojivoto/sa/${sa}`, "emojivoto/voting-svc:8080");
      expect(d.decision, sa).toBe("deny");
      expect(d.explanation).toContain("voting-grpc");
    }
  });

  it("allows the prom port, which no Server covers, by the install default all-unauthenticated", async () => {
    const index = await indexOf(REPO);
    const d = decide(index, "emojivoto/sa/emoji", "emojivoto/voting-svc:8801");
    expect(d.decision).toBe("allow");
    expect(d.decidedBy).toBeUndefined();
    expect(d.mtls.mode).toBe("PERMISSIVE");
    expect(d.explanation).toContain("all-unauthenticated");
  });

  it("denies uncovered ports when the namespace's default inbound policy is deny", async () => {
    const app = readFileSync(join(REPO, "app.yaml"), "utf8").replace(
      "metadata: { name: emojivoto }",
      "metadata: { name: emojivoto, annotations: { config.linkerd.io/default-inbound-policy: deny } }",
    );
    const index = await indexOf(variant({ "app.yaml": app }));
    const prom = decide(index, "emojivoto/sa/emoji", "emojivoto/voting-svc:8801");
    expect(prom.decision).toBe("deny");
    expect(prom.decidedBy?.resource.kind).toBe("Namespace");
    expect(prom.decidedBy?.path).toEqual(["metadata", "annotations", "config.linkerd.io/default-inbound-policy"]);
    // The Server still admits web on the gRPC port.
    expect(decide(index, "emojivoto/sa/web", "emojivoto/voting-svc:8080").decision).toBe("allow");
  });

  it("applies all-authenticated: meshed callers pass, a caller opted out of injection does not", async () => {
    const app = readFileSync(join(REPO, "app.yaml"), "utf8")
      .replace("metadata: { name: emojivoto }", "metadata: { name: emojivoto, annotations: { linkerd.io/inject: enabled, config.linkerd.io/default-inbound-policy: all-authenticated } }")
      .replace("metadata: { labels: { app: vote-bot } }", "metadata: { labels: { app: vote-bot }, annotations: { linkerd.io/inject: disabled } }");
    const index = await indexOf(variant({ "app.yaml": app }));
    expect(decide(index, "emojivoto/sa/emoji", "emojivoto/voting-svc:8801").decision).toBe("allow");
    const bot = decide(index, "emojivoto/sa/vote-bot", "emojivoto/voting-svc:8801");
    expect(bot.decision).toBe("deny");
    expect(bot.mtls.transport).toBe("plaintext");
  });

  it("uses AuthorizationPolicy with MeshTLSAuthentication, and ignores a policy whose authentication is missing", async () => {
    const policy = `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: { name: voting-grpc, namespace: emojivoto }
spec:
  podSelector: { matchLabels: { app: voting-svc } }
  port: grpc
---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: { name: voting-grpc, namespace: emojivoto }
spec:
  targetRef: { group: policy.linkerd.io, kind: Server, name: voting-grpc }
  requiredAuthenticationRefs: [{ group: policy.linkerd.io, kind: MeshTLSAuthentication, name: voting-callers }]
---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: { name: voting-bot, namespace: emojivoto }
spec:
  targetRef: { group: policy.linkerd.io, kind: Server, name: voting-grpc }
  requiredAuthenticationRefs: [{ group: policy.linkerd.io, kind: MeshTLSAuthentication, name: missing }]
---
apiVersion: policy.linkerd.io/v1alpha1
kind: MeshTLSAuthentication
metadata: { name: voting-callers, namespace: emojivoto }
spec:
  identities: ["web.emojivoto.serviceaccount.identity.linkerd.cluster.local", "emoji.emojivoto.serviceaccount.identity.linkerd.cluster.local"]
`;
    const index = await indexOf(variant({ "policy.yaml": policy }));
    const web = decide(index, "emojivoto/sa/emoji", "emojivoto/voting-svc:8080");
    expect(web.decision).toBe("allow");
    expect(web.decidedBy?.resource.kind).toBe("MeshTLSAuthentication");
    expect(web.decidedBy?.path).toEqual(["spec", "identities", 1]);
    const bot = decide(index, "emojivoto/sa/vote-bot", "emojivoto/voting-svc:8080");
    expect(bot.decision).toBe("deny");
    expect(bot.explanation).toContain('MeshTLSAuthentication "missing" does not exist');
  });

  it("authorizes per route: a policy on a route attached to the Server admits matching requests only", async () => {
    const policy = `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: { name: web-http, namespace: emojivoto }
spec:
  podSelector: { matchLabels: { app: web-svc } }
  port: http
---
apiVersion: policy.linkerd.io/v1beta3
kind: HTTPRoute
metadata: { name: web-api, namespace: emojivoto }
spec:
  parentRefs: [{ group: policy.linkerd.io, kind: Server, name: web-http }]
  rules: [{ matches: [{ path: { type: PathPrefix, value: /api }, method: GET }] }]
---
apiVersion: policy.linkerd.io/v1alpha1
kind: AuthorizationPolicy
metadata: { name: web-api, namespace: emojivoto }
spec:
  targetRef: { group: policy.linkerd.io, kind: HTTPRoute, name: web-api }
  requiredAuthenticationRefs: [{ group: policy.linkerd.io, kind: NetworkAuthentication, name: cluster }]
---
apiVersion: policy.linkerd.io/v1alpha1
kind: NetworkAuthentication
metadata: { name: cluster, namespace: emojivoto }
spec:
  networks: [{ cidr: 10.0.0.0/8 }]
`;
    const index = await indexOf(variant({ "web-policy.yaml": policy }));
    const ok = decide(index, "emojivoto/sa/vote-bot", "emojivoto/web:8080", "GET", "/api/vote");
    expect(ok.decision).toBe("allow");
    expect(ok.notes.join(" ")).toContain("cluster networks");
    expect(decide(index, "emojivoto/sa/vote-bot", "emojivoto/web:8080", "POST", "/api/vote").decision).toBe("deny");
    expect(decide(index, "emojivoto/sa/vote-bot", "emojivoto/web:8080", "GET", "/").decision).toBe("deny");
  });

  it("leaves Istio targets to the Istio engine", async () => {
    const index = await indexOf(join(ROOT, "fixtures", "repos", "bookinfo-authz"));
    expect(decide(index, "default/sa/bookinfo-productpage", "default/details:9080").engine).toBe("istio");
  });
});

describe("Linkerd identities and networks", () => {
  it("parses and matches service-account identities", () => {
    expect(parseIdentity("web.emojivoto.serviceaccount.identity.linkerd.cluster.local")).toEqual({ serviceAccount: "web", namespace: "emojivoto", controlPlane: "linkerd", trustDomain: "cluster.local" });
    expect(parseIdentity("*")).toBeUndefined();
    expect(identityMatches("*", "a.b.serviceaccount.identity.linkerd.cluster.local")).toBe(true);
    expect(identityMatches("*.b.serviceaccount.identity.linkerd.cluster.local", "a.b.serviceaccount.identity.linkerd.cluster.local")).toBe(true);
    expect(identityMatches("*.c.serviceaccount.identity.linkerd.cluster.local", "a.b.serviceaccount.identity.linkerd.cluster.local")).toBe(false);
  });

  it("tells how much of the cluster networks a CIDR covers", () => {
    expect(clusterCoverage("0.0.0.0/0")).toBe("all");
    expect(clusterCoverage("::/0")).toBe("all");
    expect(clusterCoverage("10.1.0.0/16")).toBe("some");
    expect(clusterCoverage("203.0.113.0/24")).toBe("none");
    expect(clusterCoverage("10.0.0.0/8", ["10.0.0.0/8"])).toBe("none");
  });
});
