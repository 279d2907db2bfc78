// Masks contact details before text leaves for an LLM, a log or the stored history. Both patterns
// start only where a word or a number starts (a lookbehind), so a long run of letters or digits is
// scanned once, not once per character.

const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}/g;
// Japanese mobile and landline numbers, with or without hyphens, and +81 forms.
const PHONE = /(?<![\d+])(?:\+81[-\s]?|0)\d{1,4}[-\s(]?\d{1,4}[-\s)]?\d{3,4}(?!\d)/g;

export function maskPersonalData(text: string): string {
  return text.normalize('NFKC').replace(EMAIL, '[メール]').replace(PHONE, (match) => (match.replace(/\D/g, '').length >= 10 ? '[電話番号]' : match));
}
