# syntax=docker/dockerfile:1
# Nano-Banana in containers: `docker compose up -d` (compose.yaml) runs the app (the default target,
# last below) behind Nginx (target `web`). Same settings as the systemd path: docs/DEPLOY.md.

# --- build: dependencies with native parts (better-sqlite3, argon2) and `nuxt build` ---------------
FROM node:24-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts wait for the sources (the postinstall runs `nuxt prepare`); `npm rebuild` runs them after.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm rebuild \
  && npm run build \
  && find .output/public/_nuxt -type f \( -name '*.js' -o -name '*.css' -o -name '*.json' -o -name '*.svg' \) \
    -exec gzip -9 -k -f {} +

# --- web: Nginx with deploy/nginx/nano-banana.conf and the build assets it serves from disk ---------
FROM nginx:stable AS web
COPY --from=build /app/.output/public /opt/nano-banana/current/.output/public
COPY deploy/nginx/nano-banana.conf /etc/nano-banana/nano-banana.conf
COPY --chmod=0755 deploy/nginx/docker-entrypoint.sh /docker-entrypoint.d/40-nano-banana.sh

# --- app: only .output, run as the image's unprivileged `node` user -------------------------------
FROM node:24-bookworm-slim AS app
ENV NODE_ENV=production \
    NUXT_DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000 \
    NUXT_IMAGE_API_TIMEOUT_MS=300000 \
    NITRO_SHUTDOWN_TIMEOUT=310000 \
    MALLOC_MMAP_THRESHOLD_=1048576
WORKDIR /app
COPY --from=build /app/.output ./.output
RUN mkdir /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# On SIGTERM the app finishes the generations in flight (up to 300 s): compose.yaml's
# stop_grace_period gives it 320 s before Docker kills it.
STOPSIGNAL SIGTERM
CMD ["node", ".output/server/index.mjs"]
