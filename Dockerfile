# syntax=docker/dockerfile:1
# taiku in a container: the server package built and packed from this
# repository (scripts/pack.mjs), then installed from its tarball into a
# small runtime image that runs `taiku serve` as the unprivileged `node`
# user, with its data in the /data volume. See docs/deploy.md.
#
#   docker build -t taiku .
#   docker run --init -p 7300:7300 -v taiku-data:/data \
#     -e TAIKU_PUBLIC_ORIGIN=https://taiku.example.com taiku

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# The workspace manifests first, so the dependency layer is reused while only sources change.
COPY package.json package-lock.json ./
COPY engine/package.json engine/
COPY sdk/package.json sdk/
COPY server/package.json server/
COPY client/package.json client/
COPY plugins/ plugins/
# No install scripts, as npm 11 runs by default: the native modules (LevelDB, the pty) load their shipped prebuilds.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN node scripts/pack.mjs --out /pack

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=7300 \
    TAIKU_DATA_DIR=/data
WORKDIR /app
COPY --from=build /pack/taiku-server-*.tgz /tmp/
RUN echo '{ "name": "taiku-app", "private": true }' > package.json \
 && npm install --omit=dev --ignore-scripts --no-audit --no-fund /tmp/taiku-server-*.tgz \
 && npm cache clean --force \
 && rm /tmp/taiku-server-*.tgz \
 && mkdir -p /data \
 && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 7300
# Liveness: /healthz answers 200 while the process serves and reads its database.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `taiku serve` flushes every pending write and exits 0 on SIGTERM (docker stop).
ENTRYPOINT ["/app/node_modules/.bin/taiku"]
CMD ["serve"]
