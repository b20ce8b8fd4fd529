# meshlint as a container, for the admission webhook (deploy/) and for CI jobs that run the CLI:
#   docker build -t meshlint:0.1.0 .
#   docker run --rm -v "$PWD:/work" -w /work meshlint:0.1.0 .
# Node 20: @kubernetes/client-node is pinned to 1.x, which supports it (README, "Dependencies").

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# `npm ci` runs `prepare`, which builds; the sources must be there first.
COPY . .
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist ./dist
COPY --from=build /src/schemas ./schemas
COPY --from=build /src/rules ./rules
# The image's own user (uid 1000), matching deploy/deployment.yaml's runAsUser.
USER node
EXPOSE 8443
ENTRYPOINT ["node", "/app/bin/meshlint.js"]
CMD ["--help"]
