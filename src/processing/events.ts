import type { webhook } from '@line/bot-sdk';

/** The chat an event belongs to: replies go there, and events of one chat are handled in order. */
export type ChatRef = { type: 'user' | 'group' | 'room'; id: string; userId?: string };

export function chatOf(event: webhook.Event): ChatRef | undefined {
  const source = event.source;
  if (!source) return undefined;
  switch (source.type) {
    case 'user':
      return source.userId ? { type: 'user', id: source.userId, userId: source.userId } : undefined;
    case 'group':
      return { type: 'group', id: source.groupId, ...(source.userId ? { userId: source.userId } : {}) };
    case 'room':
      return { type: 'room', id: source.roomId, ...(source.userId ? { userId: source.userId } : {}) };
    default:
      return undefined;
  }
}

/** The key that orders an event's handling: one chat, one line. */
export function orderingKey(event: unknown): string {
  if (isEventLike(event)) {
    const chat = chatOf(event);
    if (chat) return `${chat.type}:${chat.id}`;
  }
  return 'unknown';
}

/** The minimum every event carries; anything less is not an event we can handle. */
export function isEventLike(value: unknown): value is webhook.Event {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === 'string' && typeof v.webhookEventId === 'string';
}
