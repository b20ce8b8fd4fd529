import { describe, expect, it } from "vitest";
import { ISTIO_ANNOTATIONS, isIstioAnnotation, lookupAnnotation } from "../../src/istio/annotation-catalog.js";
import { annotationValueProblem, isMisplaced, istioAnnotations } from "../../src/istio/annotations.js";
import { defaultWebhooksInject, injectorConfigMapName } from "../../src/istio/injection.js";
import { meshNetworksResource, registryReferences } from "../../src/istio/mesh-networks.js";
import { analyzerPortProtocol, isKnownAppProtocol } from "../../src/istio/protocols.js";
import { injectorProxyImages, proxyImageType } from "../../src/istio/proxy-image.js";
import { injectionWebhookOverlaps } from "../../src/istio/webhook-overlaps.js";
import { MUTATING_WEBHOOK_CONFIGURATION, webhooksOf, willBeInjected } from "../../src/istio/webhooks.js";
import { K } from "../../src/model/kinds.js";
import { makeSettings } from "../../src/project/settings.js";
import { workloadOf } from "../../src/model/workloads.js";
import { indexOf } from "../helpers/index.js";

describe("annotation catalog", () => {
  it("has one entry per name, each with at least one target", () => {
    const names = ISTIO_ANNOTATIONS.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    expect(ISTIO_ANNOTATIONS.every((a) => a.targets.length > 0)).toBe(true);
  });

  it("claims the istio.io domains and kubernetes.io/ingress.class only", () => {
    expect(isIstioAnnotation("sidecar.istio.io/inject")).toBe(true);
    expect(isIstioAnnotation("istio.io/rev")).toBe(true);
    expect(isIstioAnnotation("kubernetes.io/ingress.class")).toBe(true);
    expect(isIstioAnnotation("kubernetes.io/psp")).toBe(false);
    expect(isIstioAnnotation("example.com/istio.io")).toBe(false);
    expect(isIstioAnnotation("istio.io")).toBe(false);
  });

  it("knows feature status, deprecation and value forms", () => {
    expect(lookupAnnotation("networking.istio.io/exportTo")?.status).toBe("alpha");
    expect(lookupAnnotation("proxy.istio.io/config")).toMatchObject({ status: "beta", value: "proxyConfig" });
    expect(lookupAnnotation("sidecar.istio.io/inject")?.deprecated).toBe(true);
    expect(lookupAnnotation("networking.istio.io/exportThree")).toBeUndefined();
  });
});

describe("annotation values", () => {
  it.each([
    ["uint32", "10", true],
    ["uint32", "-1", false],
    ["uint32", "bar", false],
    ["port", " 15020 ", true],
    ["port", "70000", false],
    ["portList", "80, 443", true],
    ["portList", "", true],
    ["portList", "80,http", false],
    ["portListOrStar", "*", true],
    ["cidrList", "10.0.0.0/8,fd00::/8", true],
    ["cidrList", "10.0.0.0/33", false],
    ["cidrList", "10.0.0.1", false],
    ["cidrListOrStar", "*", true],
    ["bool", "True", true],
    ["bool", "yes", false],
    ["interceptionMode", "TPROXY", true],
    ["interceptionMode", "redirect", false],
    ["proxyConfig", "concurrency: 2", true],
    ["proxyConfig", "[1]", false],
    ["proxyConfig", "{ unclosed", false],
  ] as const)("%s %j valid: %s", (form, value, ok) => {
    expect(annotationValueProblem(form, value) === undefined).toBe(ok);
  });
});

describe("istioAnnotations", () => {
  it("reads a workload's own metadata as its kind and its pod template as a Pod", () => {
    const index = indexOf(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations: { sidecar.istio.io/proxyCPU: 100m, example.com/x: y }\n` +
        `spec:\n  template:\n    metadata: { annotations: { sidecar.istio.io/proxyCPU: 200m } }\n    spec: { containers: [{ name: web, image: web }] }\n`,
    );
    const [deployment] = index.all(K.Deployment);
    const found = istioAnnotations(deployment!).map((a) => [a.kind, a.inTemplate, a.path.join("."), isMisplaced(a)]);
    expect(found).toEqual([
      ["Deployment", false, "metadata.annotations.sidecar.istio.io/proxyCPU", true],
      ["Pod", true, "spec.template.metadata.annotations.sidecar.istio.io/proxyCPU", false],
    ]);
  });
});

describe("port protocols as istioctl derives them", () => {
  it.each([
    [{ name: "http-api" }, "http"],
    [{ name: "HTTP2" }, "http2"],
    [{ name: "grpc-web-ui" }, "grpc-web"],
    [{ name: "web" }, undefined],
    [{ port: 3306 }, "tcp"],
    [{ name: "dns", protocol: "UDP" }, "udp"],
    [{ name: "web", appProtocol: "kubernetes.io/h2c" }, "http2"],
    [{ name: "http", appProtocol: "postgres" }, undefined],
    [{ appProtocol: "mysql-wrong" }, "mysql"],
  ])("%j → %s", (port, protocol) => {
    expect(analyzerPortProtocol(port)).toBe(protocol);
  });

  it("accepts only exact protocol names as appProtocol, as Kiali does", () => {
    expect(isKnownAppProtocol("MySQL")).toBe(true);
    expect(isKnownAppProtocol("mysql-wrong")).toBe(false);
    expect(isKnownAppProtocol("kubernetes.io/ws")).toBe(true);
  });
});

describe("sidecar injection", () => {
  it("follows the default webhooks of a standard installation", () => {
    expect(defaultWebhooksInject({ "istio-injection": "enabled" }, {})).toBe(true);
    expect(defaultWebhooksInject({ "istio-injection": "enabled" }, { "sidecar.istio.io/inject": "false" })).toBe(false);
    expect(defaultWebhooksInject({ "istio-injection": "disabled" }, { "sidecar.istio.io/inject": "true" })).toBe(false);
    expect(defaultWebhooksInject({ "istio.io/rev": "canary" }, {})).toBe(true);
    expect(defaultWebhooksInject({}, { "sidecar.istio.io/inject": "true" })).toBe(true);
    expect(defaultWebhooksInject({}, {})).toBe(false);
    expect(injectorConfigMapName("default")).toBe("istio-sidecar-injector");
    expect(injectorConfigMapName("canary")).toBe("istio-sidecar-injector-canary");
  });

  it("uses the repository's webhooks when it has them, and leaves undeclared namespaces undecided without any", () => {
    const webhook =
      `apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata: { name: istio-sidecar-injector }\n` +
      `webhooks:\n  - name: object.sidecar-injector.istio.io\n    objectSelector: { matchLabels: { inject: yes-please } }\n`;
    const pod = (labels: string) => `apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: apps, labels: ${labels} }\nspec: { containers: [{ name: a, image: a }] }\n`;
    const verdict = (yaml: string) => {
      const index = indexOf(yaml);
      return willBeInjected(index, workloadOf(index.all(K.Pod)[0]!)!);
    };
    const ns = `apiVersion: v1\nkind: Namespace\nmetadata: { name: apps }\n---\n`;
    expect(verdict(`${ns}${webhook}---\n${pod("{ inject: yes-please }")}`)).toBe(true);
    expect(verdict(`${ns}${webhook}---\n${pod('{ sidecar.istio.io/inject: "true" }')}`)).toBe(false);
    expect(verdict(pod("{}"))).toBeUndefined();
    expect(verdict(pod('{ sidecar.istio.io/inject: "true" }'))).toBe(true);
  });

  it("finds webhooks of different revisions that match the same pods", () => {
    const config = (name: string, rev: string) =>
      `apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata: { name: ${name}, labels: { istio.io/rev: ${rev} } }\n` +
      `webhooks:\n  - name: namespace.sidecar-injector.istio.io\n    namespaceSelector: { matchLabels: { istio-injection: enabled } }\n`;
    const index = indexOf(`${config("a", "default")}---\n${config("b", "canary")}`);
    const others = [...injectionWebhookOverlaps(index).values()].map((set) => [...set].map((w) => w.config.name));
    expect(others.sort()).toEqual([["a"], ["b"]]);
    expect(index.all(MUTATING_WEBHOOK_CONFIGURATION).flatMap(webhooksOf).map((w) => w.name)).toEqual([
      "namespace.sidecar-injector.istio.io",
      "namespace.sidecar-injector.istio.io",
    ]);
  });
});

describe("proxy images", () => {
  it("reads the injector's image and the image type that applies to a workload", () => {
    const index = indexOf(
      `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: istio-sidecar-injector-canary, namespace: istio-system }\n` +
        `data: { values: '{"global":{"hub":"docker.io/istio","tag":"1.30.3","proxy":{"image":"proxyv2"}}}' }\n---\n` +
        `apiVersion: networking.istio.io/v1beta1\nkind: ProxyConfig\nmetadata: { name: pc, namespace: shop }\nspec: { image: { imageType: distroless } }\n---\n` +
        `apiVersion: v1\nkind: Pod\nmetadata: { name: p, namespace: shop }\nspec: { containers: [{ name: a, image: a }] }\n`,
      { meshConfig: { defaultConfig: { image: { imageType: "debug" } } } },
    );
    expect(injectorProxyImages(index).get("istio-sidecar-injector-canary")).toBe("docker.io/istio/proxyv2:1.30.3");
    expect(proxyImageType(index, workloadOf(index.all(K.Pod)[0]!)!)).toBe("distroless");
  });
});

describe("mesh networks", () => {
  it("is a resource named meshnetworks in the root namespace, listing each fromRegistry", () => {
    const settings = makeSettings({ meshNetworks: { networks: { n1: { endpoints: [{ fromRegistry: "Kubernetes" }, { fromCidr: "10.0.0.0/8" }] } } } });
    const resource = meshNetworksResource(settings);
    expect(resource).toMatchObject({ kind: "MeshNetworks", namespace: "istio-system", name: "meshnetworks" });
    expect(registryReferences(resource!.data)).toEqual([{ network: "n1", registry: "Kubernetes", path: ["networks", "n1", "endpoints", 0, "fromRegistry"] }]);
    expect(meshNetworksResource(makeSettings({}))).toBeUndefined();
  });
});
