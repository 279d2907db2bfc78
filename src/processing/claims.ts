import { keys, type StateStore } from '../store/store.ts';

/** Redeliveries arrive within hours; a day of memory covers them with room to spare. */
export const DEDUPE_TTL_SECONDS = 86_400;

const HANDLING = 'h:';
const SENDING = 's:';
const DONE = 'done';

/**
 * What a handler learns when it claims an event.
 * - `fresh`: handle it. `predecessorSending` means an earlier handler (one that died, or this one
 *   on an earlier attempt) got as far as calling LINE, so a reply token LINE now rejects was
 *   probably used by it: the answer went out, and pushing it again would say it twice.
 * - `done`: already answered.
 * - `busy`: another handler holds it right now (a redelivery that raced the original).
 */
export type Claim = { status: 'fresh'; predecessorSending: boolean } | { status: 'done' } | { status: 'busy'; owner: string };

/**
 * The dedupe mark of one webhook event, in three steps: `h:<owner>` when a handler takes it,
 * `s:<owner>` just before the answer goes to LINE, `done` once LINE took it. A plain set-if-absent
 * mark would lose an event whose handler died after marking it; with the steps, a successor that
 * is entitled to the event (it took over the dead handler's queue entry) can tell "never answered"
 * from "answered but not yet marked".
 */
export class EventClaims {
  readonly #store: StateStore;
  readonly #owner: string;

  constructor(store: StateStore, owner: string) {
    this.#store = store;
    this.#owner = owner;
  }

  /** `takeover`: the caller owns the event's queue entry, so another handler's mark is stale. */
  async claim(eventId: string, options: { takeover?: boolean } = {}): Promise<Claim> {
    const key = keys.dedupe(eventId);
    if (await this.#store.setIfAbsent(key, HANDLING + this.#owner, DEDUPE_TTL_SECONDS)) {
      return { status: 'fresh', predecessorSending: false };
    }
    // Null here: the store went away between the two calls and this process marked the event
    // itself a moment ago (the resilient store's local marks), so another copy is in hand.
    const mark = await this.#store.get(key);
    if (mark === null) {
      if (!options.takeover) return { status: 'busy', owner: 'unknown' };
    } else {
      const inProgress = mark.startsWith(HANDLING) || mark.startsWith(SENDING);
      if (!inProgress) return { status: 'done' }; // `done`, or an older plain timestamp mark
      if (!options.takeover) return { status: 'busy', owner: mark.slice(2) };
    }
    await this.#store.set(key, HANDLING + this.#owner, DEDUPE_TTL_SECONDS);
    return { status: 'fresh', predecessorSending: mark?.startsWith(SENDING) ?? false };
  }

  markSending(eventId: string): Promise<void> {
    return this.#store.set(keys.dedupe(eventId), SENDING + this.#owner, DEDUPE_TTL_SECONDS);
  }

  markDone(eventId: string): Promise<void> {
    return this.#store.set(keys.dedupe(eventId), DONE, DEDUPE_TTL_SECONDS);
  }
}
