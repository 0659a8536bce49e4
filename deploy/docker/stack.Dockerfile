# Keystone + a one-replica Swift cluster + memcached in one container, for
# docker-compose.yml: the same deploy/local/stack.sh the tests use, run inside
# Debian 12. Development and demos only (SQLite Keystone, one replica).
#   docker build -f deploy/docker/stack.Dockerfile -t s3-swift-gateway-stack .
ARG NODE_VERSION=24
# stack.sh provisions Keystone with a Node script and needs Node >= 20; Debian
# 12 ships 18, so the node binary comes from the official image.
FROM node:${NODE_VERSION}-bookworm-slim AS node

FROM debian:bookworm
ENV DEBIAN_FRONTEND=noninteractive
# The packages stack.sh would install on first `up` (its PACKAGES list),
# installed at build time; policy-rc.d keeps their own services from starting.
RUN printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d \
 && apt-get update \
 && apt-get install -y --no-install-recommends \
      swift swift-proxy swift-account swift-container swift-object swift-object-expirer python3-pyeclib \
      keystone python3-keystonemiddleware python3-keystoneclient python3-openstackclient \
      barbican-api python3-barbicanclient \
      memcached uwsgi-core uwsgi-plugin-python3 curl s3cmd rclone ca-certificates \
 && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d
COPY --from=node /usr/local/bin/node /usr/local/bin/node
WORKDIR /opt/s3-swift-gateway
COPY deploy/local ./deploy/local
COPY scripts/local-config.mjs scripts/local-banner.mjs ./scripts/
COPY deploy/docker/stack-entrypoint.sh ./deploy/docker/stack-entrypoint.sh
# State (Keystone's database, rings, objects, generated passwords and EC2 keys).
ENV STACK_DIR=/srv/stack
VOLUME ["/srv/stack", "/srv/gateway-config"]
# Keystone 5000, Swift proxy 8080, Swift's own s3api 8081, Barbican 9311;
# 9000/9001 are the gateway's when it shares this container's network (docker-compose.yml).
EXPOSE 5000 8080 8081 9311 9000 9001
HEALTHCHECK --interval=10s --timeout=5s --start-period=180s --retries=3 \
  CMD test -s /srv/gateway-config/config.yaml && curl -fsS http://127.0.0.1:5000/v3 >/dev/null && curl -fsS http://127.0.0.1:8080/healthcheck >/dev/null
ENTRYPOINT ["bash", "deploy/docker/stack-entrypoint.sh"]
