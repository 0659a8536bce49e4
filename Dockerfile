# s3-swift-gateway container image: build with the full toolchain, run with
# production dependencies only, as a non-root user.
# Node 24 is an LTS line (Active LTS from October 2025); build with
# --build-arg NODE_VERSION=26 once CI has run the suite on it.
#
# BASE_IMAGE replaces the official Node image where none can be pulled: any
# Debian-based image with node and npm on PATH and a user `node` (uid 1000).
# scripts/container-base.sh makes one from Debian packages and this machine's
# Node (test/ops/image.test.ts builds and runs the image that way):
#   podman build --format docker --build-arg BASE_IMAGE="$(bash scripts/container-base.sh)" -t s3-swift-gateway .
ARG NODE_VERSION=24
ARG BASE_IMAGE=node:${NODE_VERSION}-bookworm-slim
FROM ${BASE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM ${BASE_IMAGE}
ENV NODE_ENV=production
# One S3 process per container: the orchestrator scales pods (workers: 0 would
# start one per core the container sees).
ENV S3GW_WORKERS=1
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The image's unprivileged user (uid 1000); nothing in /app is writable by it.
USER node
# 9000: S3 API; 9001: admin (/metrics, /healthz, /readyz). The admin listener
# binds 127.0.0.1 by default: set S3GW_ADMIN_HOST=0.0.0.0 for probes and scrapes.
EXPOSE 9000 9001
# Ready = Keystone and Swift answer and the gateway is not stopping (/readyz).
# S3GW_ADMIN_PORT moves the admin listener; the check follows it. (Kept by
# `docker build` and `podman build --format docker`; OCI images have no health check.)
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.S3GW_ADMIN_PORT||9001)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# A container's PID 1 gets SIGTERM from `docker stop` and Kubernetes; node
# handles it (graceful shutdown), so no init wrapper is needed.
ENTRYPOINT ["node", "dist/main.js"]
CMD ["--config", "/etc/s3-swift-gateway/config.yaml"]
