# syntax=docker/dockerfile:1
# Gongzhi gateway for servers with an external PostgreSQL (docs/deployment.md). The embedded
# database stays the default for one machine (`pnpm start`); in a container, set DATABASE_URL.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY . .
# Build with the dev tools, then keep only what runs: production dependencies and dist/. Hoisted,
# because the plugins find @gongzhi/core and the libraries they share with it as peers (in the
# workspace those are their dev dependencies, which a production install leaves out). The server
# bundle goes too: it was made from the dev install's files, which the production install replaces.
RUN npx -y pnpm@10.34.9 install --frozen-lockfile \
 && npx -y pnpm@10.34.9 build \
 && rm -rf node_modules packages/*/node_modules examples/*/node_modules \
 && npx -y pnpm@10.34.9 install --frozen-lockfile --prod --config.shamefully-hoist=true \
 && rm -rf packages/*/src packages/*/test packages/*/tsconfig*.json packages/gateway/bundle bench scripts schema docs examples .git

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 LOG_LEVEL=info
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:4000/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# Migrations run once, before the gateways start (compose.yaml: the `migrate` service).
CMD ["node", "packages/gateway/dist/cli.js", "start"]
