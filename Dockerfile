# meshlint as a container, for the admission webhook (deploy/) and for CI jobs that run the CLI:
#   docker build -t meshlint:0.1.0 .
#   docker run --rm -v "$PWD:/work:ro" meshlint:0.1.0 .
# How it was built and run, and what was checked: CONTRIBUTING.md, "The container image".
# Node 20: @kubernetes/client-node is pinned to 1.x, which supports it (README, "Dependencies").

# Another registry's copy of the same image (a mirror, a pinned digest) can be given with --build-arg NODE_IMAGE=...
ARG NODE_IMAGE=node:20-bookworm-slim

# The production dependencies alone, from the lockfile: rebuilt only when package.json or package-lock.json change.
# No install scripts: no production dependency has one, and `prepare` would try to build without the sources.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
# .dockerignore lets in only what the build reads, so a change to the tests or the docs reuses this layer too.
COPY . .
# The files the npm package would hold (package.json "files": bin, dist, schemas, the rules' docs), unpacked.
RUN npm run build \
 && npm pack --ignore-scripts --pack-destination /tmp \
 && mkdir /out \
 && tar -xzf /tmp/meshlint-*.tgz -C /out

FROM ${NODE_IMAGE}
# tini as process 1. The kernel gives process 1 no default action for a signal, and Node installs none for SIGTERM or
# SIGINT: run as process 1, the CLI ignored both (`docker stop` waited 10 s, then killed it). Under tini, Node has the
# defaults (the CLI stops at once; the webhook, which handles SIGTERM itself, closes cleanly), and tini reaps orphans.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
COPY --from=deps /app/node_modules /app/node_modules
COPY --from=build /out/package /app
# Mount the repository here and lint `.`: the report's paths are then the repository's own.
WORKDIR /work
# A numeric user (the base image's `node`, 1000:1000, as deploy/deployment.yaml's runAsUser and runAsGroup), so that
# Kubernetes' runAsNonRoot can check it is not root. The files stay root's: the process cannot change its own code.
USER 1000:1000
EXPOSE 8443
# No HEALTHCHECK: the CLI, this image's default, is no server; the webhook's probes are in deploy/deployment.yaml
# (Kubernetes ignores HEALTHCHECK, and the OCI image format has no field for it).
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/meshlint.js"]
CMD ["--help"]
