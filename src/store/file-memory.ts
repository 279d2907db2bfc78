import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Entry, MemoryStore } from './memory.ts';

/**
 * The CLI's embedded store: the in-process store, loaded from and saved to a local file, so that
 * `ask` remembers between calls when no REDIS_URL is set. TTLs are kept as absolute expiries.
 */
export class FileBackedMemoryStore extends MemoryStore {
  readonly #path: string;

  private constructor(path: string) {
    super();
    this.#path = path;
  }

  static async open(path = process.env.KAB_CLI_STATE ?? join(process.cwd(), '.cache', 'cli-state.json')): Promise<FileBackedMemoryStore> {
    const store = new FileBackedMemoryStore(path);
    try {
      store.importEntries(JSON.parse(readFileSync(path, 'utf8')) as [string, Entry][]);
    } catch {
      // no saved state yet, or unreadable: start empty
    }
    return store;
  }

  override async close(): Promise<void> {
    mkdirSync(dirname(this.#path), { recursive: true });
    const temporary = `${this.#path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.exportEntries()));
    renameSync(temporary, this.#path);
    await super.close();
  }
}
