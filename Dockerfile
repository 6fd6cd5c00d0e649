# syntax=docker/dockerfile:1
#
# Vigil's headless shell in a container (README.md, "Running as a service"):
#
#   docker build -t vigil .
#   docker run -d --name vigil -v vigil-data:/data -p 127.0.0.1:8787:8787 -p 8788:8788 \
#     -e VIGIL_PIN=… -e VIGIL_API_TOKEN=… vigil
#
# Everything Vigil keeps (database, config, encrypted secrets, logs, backups) is in /data.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches this Node and libc.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# The electron package is a build-time dependency only; its binary is never needed here.
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx electron-vite build \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    VIGIL_LOG_STDOUT=1
WORKDIR /opt/vigil
# A fixed UID/GID so a bind-mounted /data can be chowned to it: chown -R 10001:10001 DIR.
RUN groupadd --system --gid 10001 vigil \
 && useradd --system --uid 10001 --gid vigil --home-dir /data --shell /usr/sbin/nologin vigil \
 && install -d -m 0700 -o vigil -g vigil /data
# The app stays owned by root: the service can read it but not change it.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/out ./out
USER vigil
VOLUME /data
# 8787: web UI and API; 8788: webhook listener.
EXPOSE 8787 8788
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8788/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# 0.0.0.0 is needed for the published ports to reach the server inside the container; the
# server prints a warning about it. Publish 8787 on 127.0.0.1 or behind a TLS reverse proxy.
CMD ["node", "out/main/server.js", "--data-dir", "/data", "--host", "0.0.0.0", "--webhook-host", "0.0.0.0", "--webhook-port", "8788"]
