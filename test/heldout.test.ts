// The held-out sets are frozen: any change to a byte of them fails here (see test/heldout/README.md).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('./heldout/', import.meta.url);
const pinned = readFileSync(new URL('SHA256SUMS', dir), 'utf8')
  .trim()
  .split('\n')
  .map((line) => line.split(/\s+/) as [string, string]);

describe('the frozen held-out sets', () => {
  it.each(pinned)('%s is byte for byte what was frozen', (hash, file) => {
    const actual = createHash('sha256').update(readFileSync(new URL(file, dir))).digest('hex');
    expect(actual).toBe(hash);
  });
});
