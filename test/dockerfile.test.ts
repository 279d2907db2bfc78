// No Docker engine runs here, so the image's promises are checked on the Dockerfile itself.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
const copied = [...finalStage.matchAll(/^COPY (?:--from=\S+ )?(\S+)/gm)].map((m) => m[1]!.replace(/^\/app\//, ''));

describe('the production image', () => {
  it('is built on Node 24 slim with production dependencies only', () => {
    expect(dockerfile).toMatch(/^FROM node:24-slim/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('carries every folder the server reads at run time', () => {
    for (const folder of ['src', 'knowledge', 'prompts', 'models', 'data/lexicon', 'node_modules', 'package.json']) expect(copied).toContain(folder);
    expect(readdirSync(new URL('../prompts/', import.meta.url)).length).toBeGreaterThan(0);
  });

  it('installs Tesseract with its horizontal and vertical Japanese data, and listens on every interface of its container', () => {
    expect(finalStage).toMatch(/tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert/);
    expect(finalStage).toMatch(/HOST=0\.0\.0\.0/);
  });

  it('runs as a non-root user, with node as PID 1 and a health check on /healthz', () => {
    expect(finalStage).toMatch(/^USER node$/m);
    expect(finalStage).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
    expect(finalStage).toMatch(/^CMD \["node", .*"src\/server\.ts"\]$/m);
  });
});
