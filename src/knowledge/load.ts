import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { type Chunk, cardLint, chunkFrontMatterSchema } from './schema.ts';

export const defaultKnowledgeDir = fileURLToPath(new URL('../../knowledge/', import.meta.url));

export class KnowledgeError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'KnowledgeError';
    this.file = file;
  }
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

/** Parses one chunk file; throws KnowledgeError naming the file and the field that is wrong. */
export function parseChunk(text: string, file: string): Chunk {
  const match = FRONT_MATTER.exec(text);
  if (!match) throw new KnowledgeError(file, 'missing front matter (--- … ---) at the top');
  let data: unknown;
  try {
    data = parseYaml(match[1]!);
  } catch (err) {
    throw new KnowledgeError(file, `front matter is not valid YAML: ${(err as Error).message}`);
  }
  const parsed = chunkFrontMatterSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.join('.') : '(front matter)';
    throw new KnowledgeError(file, `field "${field}": ${issue.message}`);
  }
  const body = match[2]!.trim();
  if (body.length < 40) throw new KnowledgeError(file, 'field "body": the text under the front matter is too short');
  if (cardLint.talksAboutArticle.test(body)) {
    throw new KnowledgeError(file, 'field "body": must talk to the person, not about an article or its author');
  }
  return { ...parsed.data, body, file };
}

/** Loads every chunk; ids must be unique across files. */
export function loadKnowledge(dir: string = defaultKnowledgeDir): Chunk[] {
  const root = join(dir, '..');
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.md') && name !== 'README.md')
    .sort();
  const chunks: Chunk[] = [];
  const seen = new Map<string, string>();
  for (const name of files) {
    const path = join(dir, name);
    const file = relative(root, path);
    const chunk = parseChunk(readFileSync(path, 'utf8'), file);
    const previous = seen.get(chunk.id);
    if (previous) throw new KnowledgeError(file, `field "id": "${chunk.id}" is already used by ${previous}`);
    seen.set(chunk.id, file);
    chunks.push(chunk);
  }
  return chunks;
}
