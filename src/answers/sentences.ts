/**
 * Splits a text into sentences at 。！？ (outside 「」『』（）) and at line breaks, keeping the
 * punctuation; list markers at the start of a line are dropped.
 */
export function splitSentences(body: string): string[] {
  const sentences: string[] = [];
  for (const line of body.split(/\n+/)) {
    const text = line.replace(/^\s*(?:[-*・●]|\d+[.)．])\s*/, '').trim();
    let depth = 0;
    let current = '';
    for (const char of text) {
      current += char;
      if ('「『（('.includes(char)) depth++;
      else if ('」』）)'.includes(char)) depth = Math.max(0, depth - 1);
      else if (depth === 0 && '。！？!?'.includes(char)) {
        if (current.trim().length > 1) sentences.push(current.trim());
        current = '';
      }
    }
    if (current.trim().length > 1) sentences.push(current.trim());
  }
  return sentences;
}
