# Planvakt's worker and web app. Production talks to a Temporal cluster (TEMPORAL_ADDRESS), so the
# image needs no Temporal binaries: dependencies install with --ignore-scripts.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PLANVAKT_MODE=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY config ./config
RUN ln -s /app/bin/planvakt.mjs /usr/local/bin/planvakt
USER node
EXPOSE 3000
CMD ["planvakt", "start"]
