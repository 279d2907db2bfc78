// An invitation as clauses: lines, split further at sentence ends and at the edges of quotes, each
// clause keeping its own punctuation and its position in the text. A flag quotes one whole clause,
// so what the user reads is words of the invitation, never a fragment cut mid-word.

export type Clause = {
  text: string;
  /** Offset of the clause in the (NFKC, line-end-normalised) text. */
  start: number;
};

/** Texts longer than this are judged on their first part; LINE allows 5,000 characters a message. */
export const MAX_INVITATION_CHARS = 6_000;
/** An invitation is read in at most this many clauses (a real one has a few dozen at most). */
export const MAX_CLAUSES = 150;
/** A clause longer than this is split at commas, so a quote stays readable. */
export const MAX_CLAUSE_CHARS = 90;

const SENTENCE_END = new Set(['。', '！', '？', '!', '?', '♪']);
const OPEN_QUOTES = new Set(['「', '『', '“']);
const CLOSE_QUOTES = new Set(['」', '』', '”']);
const TRAILING = new Set(['！', '？', '!', '?', '。', '♪', '～', '〜', 'ー', ')', '）', '」', '』', '…', '・']);

export function prepareInvitation(text: string): string {
  return text.normalize('NFKC').replace(/\r\n?/g, '\n').slice(0, MAX_INVITATION_CHARS);
}

/**
 * Splits prepared text into clauses. A quote long enough to be a message of its own (a forwarded
 * invitation inside the user's words) starts and ends clauses; a short quote stays inside its clause.
 */
export function splitClauses(prepared: string): Clause[] {
  const clauses: Clause[] = [];
  const closeAt = nextCloseQuotes(prepared);
  let start = 0;
  const push = (end: number) => {
    const raw = prepared.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (text.length > 0 && /[\p{L}\p{N}]/u.test(text)) {
      for (const piece of splitLong(text, start + lead)) clauses.push(piece);
    }
    start = end;
  };
  for (let i = 0; i < prepared.length; i++) {
    const char = prepared[i]!;
    if (char === '\n') {
      push(i);
      start = i + 1;
      continue;
    }
    if (OPEN_QUOTES.has(char)) {
      const close = closeAt[i + 1] !== undefined && closeAt[i + 1]! - i <= 400 ? closeAt[i + 1]! : -1;
      if (close !== -1 && close - i > 12) {
        push(i + 1); // the opening mark stays with what leads up to it
        continue;
      }
      if (close !== -1) i = close; // a short quote: keep it whole
      continue;
    }
    if (CLOSE_QUOTES.has(char) || SENTENCE_END.has(char)) {
      // Keep trailing marks and emoji with the sentence they close.
      let end = i + 1;
      while (end < prepared.length && (TRAILING.has(prepared[end]!) || /\p{Extended_Pictographic}|\uFE0F|\u200D/u.test(prepared[end]!))) end++;
      push(end);
      i = end - 1;
    }
  }
  push(prepared.length);
  return clauses.slice(0, MAX_CLAUSES);
}

/**
 * For each position, where the next closing quote is (undefined past a blank line or the end): one
 * backward pass, so finding quotes costs linear time however many opening marks a text has.
 */
function nextCloseQuotes(text: string): (number | undefined)[] {
  const next: (number | undefined)[] = new Array(text.length + 1);
  let close: number | undefined;
  for (let i = text.length - 1; i >= 0; i--) {
    if (CLOSE_QUOTES.has(text[i]!)) close = i;
    else if (text[i] === '\n' && text[i + 1] === '\n') close = undefined;
    next[i] = close;
  }
  return next;
}

function splitLong(text: string, offset: number): Clause[] {
  if (text.length <= MAX_CLAUSE_CHARS) return [{ text, start: offset }];
  const pieces: Clause[] = [];
  let from = 0;
  while (text.length - from > MAX_CLAUSE_CHARS) {
    const window = text.slice(from, from + MAX_CLAUSE_CHARS);
    const cut = Math.max(window.lastIndexOf('、'), window.lastIndexOf(','), window.lastIndexOf(' '));
    const end = cut > 20 ? from + cut + 1 : from + MAX_CLAUSE_CHARS;
    pieces.push({ text: text.slice(from, end).trim(), start: offset + from });
    from = end;
  }
  if (from < text.length) pieces.push({ text: text.slice(from).trim(), start: offset + from });
  return pieces.filter((piece) => piece.text.length > 0);
}
