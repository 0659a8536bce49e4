# s3-swift-gateway container image: build with the full toolchain, run with
# production dependencies only, as a non-root user.
# Node 24 is an LTS line (Active LTS from October 2025); build with
# --build-arg NODE_VERSION=26 once CI has run the suite on it.
ARG NODE_VERSION=24
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The image's unprivileged user (uid 1000); nothing in /app is writable by it.
USER node
# 9000: S3 API; 9001: admin (/metrics, /healthz, /readyz). The admin listener
# binds 127.0.0.1 by default: set S3GW_ADMIN_HOST=0.0.0.0 for probes and scrapes.
EXPOSE 9000 9001
# A container's PID 1 gets SIGTERM from `docker stop` and Kubernetes; node
# handles it (graceful shutdown), so no init wrapper is needed.
ENTRYPOINT ["node", "dist/main.js"]
CMD ["--config", "/etc/s3-swift-gateway/config.yaml"]
