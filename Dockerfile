# Axon gateway image. Build: docker build -t axon .   Run: docker run -p 8280:8280 -p 9164:9164 axon
# Mount your own Synapse XML folder at /config (it replaces the bundled example).

FROM node:20-bookworm-slim AS build
WORKDIR /app
# native addons (when present) build with node-gyp
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY src ./src
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production AXON_CONFIG=/config AXON_HOST=0.0.0.0
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY sequences /config
USER node
EXPOSE 8280 8243 9164
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:9164/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# exec form, so SIGTERM reaches Node and the gateway drains
ENTRYPOINT ["node", "--no-node-snapshot", "dist/cli.js", "serve"]
