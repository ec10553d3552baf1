# Planvakt's worker and web app. Production talks to a Temporal cluster (TEMPORAL_ADDRESS), so the
# image needs no Temporal binaries: dependencies install with --ignore-scripts.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PLANVAKT_MODE=production
# The worker's memory (README, Benchmarks): glibc's per-thread malloc arenas and V8's lazy heap
# growth, not the workflows, made most of its RSS. Both settings must be there before Node starts.
ENV MALLOC_ARENA_MAX=2 NODE_OPTIONS=--max-old-space-size=256
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY config ./config
RUN ln -s /app/bin/planvakt.mjs /usr/local/bin/planvakt
# The data folder exists but stays empty in production: the shared store (DATABASE_URL) holds the state.
RUN mkdir -p /var/lib/planvakt
USER node
EXPOSE 3000
CMD ["planvakt", "start"]
