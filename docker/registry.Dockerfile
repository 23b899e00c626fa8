# The registry service image: the shared service Dockerfile with SERVICE=registry.
# docker build -f docker/registry.Dockerfile -t sysmanage/registry .
# syntax=docker/dockerfile:1.7
ARG NODE_VERSION=20.20
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false SCARF_ANALYTICS=false
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx run registry:build --output-style=static && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production SYSMANAGE_CONFIG=/etc/sysmanage.yaml
WORKDIR /app
COPY --from=build --chown=node:node /src/node_modules ./node_modules
COPY --from=build --chown=node:node /src/dist ./dist
USER node
ENTRYPOINT ["node", "--enable-source-maps", "dist/apps/registry/src/main.js"]
