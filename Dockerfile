# syntax=docker/dockerfile:1
# The bot as a production image: Node 24 runs the TypeScript sources directly (type stripping),
# so there is no build stage; only production dependencies are installed, and it runs as `node`.

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-slim
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
WORKDIR /app
# Tesseract and its Japanese data (horizontal and vertical) from Debian read text in images
# (src/reading/image.ts).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert \
 && rm -rf /var/lib/apt/lists/*
# Code stays owned by root: the process can read it but not change it.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY src ./src
COPY knowledge ./knowledge
COPY models ./models
COPY data/lexicon ./data/lexicon
COPY prompts ./prompts
COPY assets ./assets
# The CLI keeps its memory in .cache when no REDIS_URL is set; that one directory is writable.
RUN mkdir -p /app/.cache && chown node:node /app/.cache
USER node
EXPOSE 3000
# /healthz answers 200 while the process serves requests ("degraded" still means alive: Redis or
# the LLM being away is reported in the body, not by restarting the bot).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1 (no npm wrapper), so SIGTERM reaches the server's graceful shutdown.
CMD ["node", "--max-semi-space-size=4", "src/server.ts"]
