// `npm run kb:check`: validates every knowledge chunk and names the file and field that is wrong.
import { KnowledgeError, loadKnowledge } from './load.ts';

try {
  const chunks = loadKnowledge();
  const sources = new Set(chunks.map((c) => c.source));
  console.log(`knowledge ok: ${chunks.length} chunks, ${sources.size} sources`);
} catch (err) {
  if (err instanceof KnowledgeError) {
    console.error(`knowledge error: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
