// Masks contact details before text leaves for an LLM or a log.

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Japanese mobile and landline numbers, with or without hyphens, and +81 forms.
const PHONE = /(?:\+81[-\s]?|0)\d{1,4}[-\s(]?\d{1,4}[-\s)]?\d{3,4}(?!\d)/g;

export function maskPersonalData(text: string): string {
  return text.normalize('NFKC').replace(EMAIL, '[メール]').replace(PHONE, (match) => (match.replace(/\D/g, '').length >= 10 ? '[電話番号]' : match));
}
