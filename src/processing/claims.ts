import { keys, type StateStore, StoreUnavailableError } from '../store/store.ts';

/** Redeliveries arrive within hours; a day of memory covers them with room to spare. */
export const DEDUPE_TTL_SECONDS = 86_400;

/** How many dedupe marks a process keeps by itself while the shared store is away. */
const LOCAL_MARKS_MAX = 10_000;

const HANDLING = 'h:';
const SENDING = 's:';
const DONE = 'done';

/** How the answer was going out when a handler marked the event `sending`. */
export type SendVia = 'reply' | 'push';

/**
 * Another handler took the event over (its queue entry changed hands while this one worked): this
 * one must not send, or the user would get the answer twice.
 */
export class ClaimLostError extends Error {
  override name = 'ClaimLostError';
  constructor(eventId: string) {
    super(`event ${eventId} was taken over by another handler`);
  }
}

/**
 * What a handler learns when it claims an event.
 * - `fresh`: handle it. `predecessorSending` says an earlier handler (one that died, or this one on
 *   an earlier attempt) got as far as calling LINE, and how it was sending: with the reply token (so
 *   a token LINE now rejects, or one too old to use, was probably spent on the answer) or by push
 *   (which carries a retry key, so pushing again is delivered once). `local`: the shared store was
 *   away, so the mark lives in this process only.
 * - `done`: already answered.
 * - `busy`: another handler holds it right now (a redelivery that raced the original).
 */
export type Claim =
  | { status: 'fresh'; predecessorSending: SendVia | undefined; local: boolean; /** The mark this handler last wrote. */ mark: string }
  | { status: 'done' }
  | { status: 'busy'; owner: string };

export type FreshClaim = Claim & { status: 'fresh' };

/**
 * The dedupe mark of one webhook event, in three steps: `h:<owner>` when a handler takes it,
 * `s:r:<owner>` or `s:p:<owner>` just before the answer goes to LINE by reply or push, `done` once
 * LINE took it. A plain set-if-absent mark would lose an event whose handler died after marking it;
 * with the steps, a successor entitled to the event (it took over the dead handler's queue entry)
 * can tell "never answered" from "answered but not yet marked".
 *
 * A claim taken in the shared store is advanced there or not at all: if a step cannot be written the
 * call fails (the event stays pending on its queue and is tried again), because a handler that
 * answered without its `sending` mark would look to its successor as if it never had. Only a claim
 * that was itself taken while the store was away (the event then came straight to this process) is
 * kept in a bounded local map, so a redelivery to the same process stays single.
 */
export class EventClaims {
  readonly #store: StateStore;
  readonly #owner: string;
  readonly #now: () => number;
  readonly #localMarks = new Map<string, { mark: string; expiresAt: number }>();

  constructor(store: StateStore, owner: string, now: () => number = Date.now) {
    this.#store = store;
    this.#owner = owner;
    this.#now = now;
  }

  /** `takeover`: the caller owns the event's queue entry, so another handler's mark is stale. */
  async claim(eventId: string, options: { takeover?: boolean } = {}): Promise<Claim> {
    const key = keys.dedupe(eventId);
    let created: boolean;
    try {
      created = await this.#store.setIfAbsent(key, HANDLING + this.#owner, DEDUPE_TTL_SECONDS);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      return this.#claimLocally(key, options.takeover ?? false);
    }
    const handling = HANDLING + this.#owner;
    if (created) return { status: 'fresh', predecessorSending: undefined, local: false, mark: handling };
    const mark = await this.#store.get(key);
    if (mark === null) {
      // Expired between the two calls: take it again, as if new.
      if (await this.#store.setIfAbsent(key, handling, DEDUPE_TTL_SECONDS)) {
        return { status: 'fresh', predecessorSending: undefined, local: false, mark: handling };
      }
      return { status: 'busy', owner: 'unknown' };
    }
    const inProgress = mark.startsWith(HANDLING) || mark.startsWith(SENDING);
    if (!inProgress) return { status: 'done' }; // `done`, or an older plain timestamp mark
    if (!options.takeover) return { status: 'busy', owner: ownerOf(mark) };
    // Taken over only from the mark just read: a handler that moved on in between keeps the event.
    if (!(await this.#store.replaceIf(key, mark, handling, DEDUPE_TTL_SECONDS))) return { status: 'busy', owner: 'unknown' };
    return { status: 'fresh', predecessorSending: sendingVia(mark), local: false, mark: handling };
  }

  markSending(eventId: string, claim: FreshClaim, via: SendVia): Promise<void> {
    return this.#advance(eventId, claim, `${SENDING}${via === 'reply' ? 'r' : 'p'}:${this.#owner}`);
  }

  markDone(eventId: string, claim: FreshClaim): Promise<void> {
    return this.#advance(eventId, claim, DONE);
  }

  /**
   * Each step is written only over this handler's own last step (compare-and-set): if another
   * handler has taken the event over meanwhile, this one learns it here, before it sends.
   */
  async #advance(eventId: string, claim: FreshClaim, mark: string): Promise<void> {
    const key = keys.dedupe(eventId);
    if (claim.local) {
      this.#localMarks.set(key, { mark, expiresAt: this.#now() + DEDUPE_TTL_SECONDS * 1000 });
      claim.mark = mark;
      return;
    }
    if (!(await this.#store.replaceIf(key, claim.mark, mark, DEDUPE_TTL_SECONDS))) throw new ClaimLostError(eventId);
    claim.mark = mark;
  }

  #claimLocally(key: string, takeover: boolean): Claim {
    const now = this.#now();
    const existing = this.#localMarks.get(key);
    if (existing !== undefined && existing.expiresAt > now) {
      if (existing.mark === DONE) return { status: 'done' };
      if (!takeover) return { status: 'busy', owner: ownerOf(existing.mark) };
      this.#localMarks.set(key, { mark: HANDLING + this.#owner, expiresAt: now + DEDUPE_TTL_SECONDS * 1000 });
      return { status: 'fresh', predecessorSending: sendingVia(existing.mark), local: true, mark: HANDLING + this.#owner };
    }
    this.#localMarks.set(key, { mark: HANDLING + this.#owner, expiresAt: now + DEDUPE_TTL_SECONDS * 1000 });
    if (this.#localMarks.size > LOCAL_MARKS_MAX) {
      const oldest = this.#localMarks.keys().next().value;
      if (oldest !== undefined) this.#localMarks.delete(oldest);
    }
    return { status: 'fresh', predecessorSending: undefined, local: true, mark: HANDLING + this.#owner };
  }
}

/** `s:r:` reply, `s:p:` push; the older `s:<owner>` form was written only when replying. */
function sendingVia(mark: string): SendVia | undefined {
  if (!mark.startsWith(SENDING)) return undefined;
  return mark.startsWith(`${SENDING}p:`) ? 'push' : 'reply';
}

function ownerOf(mark: string): string {
  return mark.replace(/^(?:s:[rp]:|[hs]:)/, '');
}
