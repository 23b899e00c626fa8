# The ingest service image: the shared service Dockerfile with SERVICE=ingest.
# docker build -f docker/ingest.Dockerfile -t sysmanage/ingest .
# syntax=docker/dockerfile:1.7
ARG NODE_VERSION=20.20
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false SCARF_ANALYTICS=false
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx run ingest:build --output-style=static && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production SYSMANAGE_CONFIG=/etc/sysmanage.yaml
WORKDIR /app
COPY --from=build --chown=node:node /src/node_modules ./node_modules
COPY --from=build --chown=node:node /src/dist ./dist
USER node
# A 64 MiB young generation: ingest allocates per message, and the default one made it scavenge 3-4 times
# as often (apps/ingest/README.md, "Runtime").
ENTRYPOINT ["node", "--enable-source-maps", "--max-semi-space-size=64", "dist/apps/ingest/src/main.js"]
