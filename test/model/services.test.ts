import { describe, expect, it } from "vitest";
import { K } from "../../src/model/kinds.js";
import {
  listedPorts,
  numericTargetPort,
  serviceByFqdn,
  serviceNamed,
  servicesSelecting,
  targetPortOn,
  workloadsBehind,
} from "../../src/model/services.js";
import { workloadOf } from "../../src/model/workloads.js";
import { indexOf } from "../helpers/index.js";

const world = `
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: shop }
spec:
  selector: { app: reviews }
  ports:
  - { name: http, port: 9080, targetPort: web }
  - { name: grpc-api, port: 9090, appProtocol: grpc, targetPort: 7070 }
  - { name: dns, port: 53, protocol: udp }
  - { name: broken, targetPort: 1 }
  - { name: admin, port: 15000, targetPort: missing }
---
apiVersion: v1
kind: Service
metadata: { name: all-of-shop, namespace: shop }
spec: { selector: { tier: backend }, ports: [{ port: 80 }] }
---
apiVersion: v1
kind: Service
metadata: { name: manual, namespace: shop }
spec: { ports: [{ port: 80 }] }
---
apiVersion: v1
kind: Service
metadata: { name: legacy, namespace: shop }
spec: { type: ExternalName, externalName: legacy.example.com }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews-v1, namespace: shop }
spec:
  selector: { matchLabels: { app: reviews } }
  template:
    metadata: { labels: { tier: backend, app: reviews, version: v1 } }
    spec:
      containers:
      - name: app
        image: reviews
        ports: [{ name: web, containerPort: 8080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ratings, namespace: shop }
spec:
  selector: { matchLabels: { app: ratings } }
  template:
    metadata: { labels: { app: ratings, tier: backend } }
    spec: { containers: [{ name: app, image: ratings }] }
`;

describe("Service view", () => {
  const index = indexOf(world, { clusterDomain: "corp.internal" });
  const reviews = serviceNamed(index, "shop", "reviews");
  const deployment = index.get(K.Deployment, "shop", "reviews-v1");
  const workload = deployment && workloadOf(deployment);

  it("reads each port with a number: name, protocol (appProtocol first), transport, target port as written, path", () => {
    expect(reviews?.ports.map((p) => [p.name, p.number, p.protocol, p.transport, p.targetPort, p.path.join(".")])).toEqual([
      ["http", 9080, undefined, "TCP", "web", "spec.ports.0"],
      ["grpc-api", 9090, "grpc", "TCP", 7070, "spec.ports.1"],
      ["dns", 53, "udp", "UDP", undefined, "spec.ports.2"],
      ["admin", 15000, undefined, "TCP", "missing", "spec.ports.4"],
    ]);
  });

  it("resolves target ports: numbers as they are, names against a workload's container ports", () => {
    if (!reviews || !workload) throw new Error("world not indexed");
    const [http, grpc, dns, admin] = reviews.ports;
    expect([http, grpc, dns, admin].map((p) => p && targetPortOn(p, workload))).toEqual([8080, 7070, 53, undefined]);
    expect([http, grpc, dns].map((p) => p && numericTargetPort(p))).toEqual([undefined, 7070, 53]);
  });

  it("gives the FQDN in the cluster domain and finds a Service by it", () => {
    expect(reviews?.fqdn).toBe("reviews.shop.svc.corp.internal");
    expect(serviceByFqdn(index, "reviews.shop.svc.corp.internal")).toBe(reviews);
    expect(serviceByFqdn(index, "reviews.shop.svc.cluster.local")).toBeUndefined();
  });

  it("finds the workloads behind a Service and the Services selecting a workload, in input order", () => {
    if (!reviews || !workload) throw new Error("world not indexed");
    expect(workloadsBehind(index, reviews).map((w) => w.resource.name)).toEqual(["reviews-v1"]);
    const manual = serviceNamed(index, "shop", "manual");
    expect(manual && workloadsBehind(index, manual)).toEqual([]);
    expect(servicesSelecting(index, workload).map((s) => s.name)).toEqual(["reviews", "all-of-shop"]);
    expect(servicesSelecting(index, { namespace: "other", labels: workload.labels })).toEqual([]);
  });

  it("has no port list to check references against for ExternalName Services", () => {
    const legacy = serviceNamed(index, "shop", "legacy");
    expect(legacy && listedPorts(legacy)).toBeUndefined();
    expect(reviews && listedPorts(reviews)?.length).toBe(4);
  });
});
