# syntax=docker/dockerfile:1
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 SPARK_DATA_DIR=/data EVIDENCE_DIR=/evidence
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
COPY manifest.yml spark.config.example.yml ./
# The empty embedded-database template, so a container without DATABASE_URL starts fast.
RUN node --import tsx scripts/pglite-template.ts \
 && mkdir -p /data /evidence && chown node:node /data /evidence
USER node
EXPOSE 3000
VOLUME ["/data", "/evidence"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "src/main.ts"]
