# Revue: one image for the web process, workers and migrations, chosen by the command:
#   docker run revue                              -> node src/bin/start.ts   (web + workers)
#   docker run revue node src/bin/worker.ts       -> workers only
#   docker run revue node src/bin/migrate.ts      -> apply migrations and exit
# Node 24 runs the TypeScript sources directly (type stripping): there is no build step.

FROM node:24-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; no package needs an install script.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:24-bookworm-slim
# MALLOC_MMAP_THRESHOLD_: what `npm start` sets (src/bin/revue.mjs, mallocTuningEnvironment), for
# the commands below that start Node directly: glibc gives freed memory back (60-90 MiB of an idle
# server on the embedded database).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    MALLOC_MMAP_THRESHOLD_=33554432
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json app.yml ./
COPY migrations ./migrations
COPY src ./src
# The embedded database (no DATABASE_URL) lives in /app/.revue-data: owned by the runtime user.
RUN mkdir -p /app/.revue-data && chown node:node /app/.revue-data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "src/bin/start.ts"]
