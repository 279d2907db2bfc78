import { z } from 'zod';

/** Front matter of one knowledge chunk (one `knowledge/*.md` file holds one chunk). */
export const chunkFrontMatterSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case ASCII (a-z, 0-9, -)'),
  title: z.string().min(4, 'must be a real title'),
  /** Where the facts come from: the seed article or the public body. */
  source: z.string().min(4, 'must name where the facts come from'),
  tags: z.array(z.string().min(1)).min(1, 'needs at least one tag'),
  /** Casual questions this chunk answers; indexed with the chunk. */
  questions: z.array(z.string().min(4)).min(2, 'needs at least two example questions'),
});

export type ChunkFrontMatter = z.infer<typeof chunkFrontMatterSchema>;

export type Chunk = ChunkFrontMatter & {
  body: string;
  /** Path relative to the repository, for error messages and the developer panel. */
  file: string;
};
