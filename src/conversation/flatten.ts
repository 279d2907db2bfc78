// Messages as text: what a user reads (for memory, the CLI's `reply`), and the session stamp that
// makes buttons from an earlier conversation recognisable.
import type { LineMessage } from '../types.ts';

/**
 * Everything a user would read, as plain text: text bodies; a card's alt text and then the texts
 * on it that the alt text does not already say; a template's text. Buttons are actions, not reading.
 */
export function flatten(messages: readonly LineMessage[]): string {
  const parts: string[] = [];
  for (const message of messages) {
    if (message.type === 'text') parts.push(message.text);
    else if (message.type === 'flex') {
      const texts: string[] = [];
      collectTexts(message.contents, texts);
      parts.push([message.altText, ...texts.filter((t) => !message.altText.includes(t))].join('\n'));
    } else if (message.type === 'template') {
      const body = 'text' in message.template && typeof message.template.text === 'string' ? message.template.text : '';
      parts.push([body || message.altText, ...templateLabels(message.template)].filter(Boolean).join('\n'));
    }
  }
  return parts.filter(Boolean).join('\n\n');
}

function templateLabels(template: unknown): string[] {
  const actions = (template as { actions?: { label?: string }[] }).actions ?? [];
  return actions.length > 0 ? [`（${actions.map((a) => a.label).filter(Boolean).join('／')}）`] : [];
}

function collectTexts(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectTexts(item, out);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if (record.type === 'text' && typeof record.text === 'string') out.push(record.text);
  if (record.type === 'button') return;
  for (const [key, value] of Object.entries(record)) if (key !== 'action') collectTexts(value, out);
}

/** The labels of the quick replies offered, in order. */
export function quickReplyLabels(messages: readonly LineMessage[]): string[] {
  return messages.flatMap((m) => (m.quickReply?.items ?? []).map((item) => (item.action && 'label' in item.action ? String(item.action.label ?? '') : '')).filter(Boolean));
}

/** Adds the session marker to every postback in the messages, so stale buttons are recognised. */
export function stampSession(messages: LineMessage[], session: string): LineMessage[] {
  const stamp = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(stamp);
    if (typeof node !== 'object' || node === null) return node;
    const record = node as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) copy[key] = stamp(value);
    if (record.type === 'postback' && typeof record.data === 'string' && !/(?:^|&)s=/.test(record.data)) {
      copy.data = `${record.data}&s=${session}`;
    }
    return copy;
  };
  return stamp(messages) as LineMessage[];
}
