import type { webhook } from '@line/bot-sdk';

/** The chat an event belongs to: replies go there, and events of one chat are handled in order. */
export type ChatRef = { type: 'user' | 'group' | 'room'; id: string; userId?: string };

/**
 * LINE's ids are U (user), C (group) or R (room) followed by 32 hex digits; the simulator's users are
 * "Usim…". Anything else is not an id LINE sends, and is never used as a key.
 */
const LINE_ID = /^[UCR][0-9a-f]{32}$/;
const SIMULATED_ID = /^Usim[A-Za-z0-9_-]{1,40}$/;
export const isLineId = (id: unknown): id is string => typeof id === 'string' && (LINE_ID.test(id) || SIMULATED_ID.test(id));

export function chatOf(event: webhook.Event): ChatRef | undefined {
  const source = event.source;
  if (!source) return undefined;
  const userId = isLineId(source.userId) ? { userId: source.userId } : {};
  switch (source.type) {
    case 'user':
      return isLineId(source.userId) ? { type: 'user', id: source.userId, userId: source.userId } : undefined;
    case 'group':
      return isLineId(source.groupId) ? { type: 'group', id: source.groupId, ...userId } : undefined;
    case 'room':
      return isLineId(source.roomId) ? { type: 'room', id: source.roomId, ...userId } : undefined;
    default:
      return undefined;
  }
}

/** The event types LINE documents; any other type is counted as "other", so metric labels stay few. */
const KNOWN_EVENT_TYPES = new Set([
  'message', 'unsend', 'follow', 'unfollow', 'join', 'leave', 'memberJoined', 'memberLeft', 'postback',
  'videoPlayComplete', 'beacon', 'accountLink', 'things', 'membership', 'module', 'activated', 'deactivated', 'botSuspended', 'botResumed',
]);
export const eventTypeLabel = (type: string): string => (KNOWN_EVENT_TYPES.has(type) ? type : 'other');

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
