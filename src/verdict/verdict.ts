// The verdict as the user and the contract see it: flags (one per fact, each quoting the clause that
// stated it, each resting on a knowledge card), the advice, and a 0–100 score. Built from the
// judgement alone, so it is a plain function of the invitation.
import { copy } from '../copy.ts';
import type { Flag, Verdict } from '../types.ts';
import { BASIC_DETAILS, FACT_ROLES, isGreen, isRed } from './facts.ts';
import { type FoundFact, type Judgement, shippedVerdictModel, type VerdictModel } from './judge.ts';
import type { Level } from './level.ts';

export type CardSources = ReadonlyMap<string, { title: string; source: string }>;

/** Cheap mixers draw sellers; public and non-profit events are often free, so they are not counted. */
export const CHEAP_FEE_BELOW = 3_000;
export const HIGH_FEE_FROM = 10_000;
/** The score never shows less risk than this when a strong sign set the floor. */
const FLOOR_SCORE = 80;

const PAIRS: readonly (readonly [string, string])[] = [['「', '」'], ['『', '』'], ['（', '）'], ['(', ')'], ['“', '”'], ['【', '】']];

/**
 * The words quoted as evidence, without a bracket cut in half by the clause split (「無料でご飯も出るよ』
 * becomes 無料でご飯も出るよ): the flag puts its own 「」 around them.
 */
export function tidyEvidence(clause: string): string {
  let text = clause.trim();
  for (let changed = true; changed && text.length > 1; ) {
    changed = false;
    for (const [open, close] of PAIRS) {
      const inner = text.slice(1, -1);
      if (text.startsWith(open) && text.endsWith(close) && !inner.includes(open) && !inner.includes(close)) text = inner.trim();
      else if (text.startsWith(open) && !text.includes(close)) text = text.slice(1).trim();
      else if (text.endsWith(close) && !text.includes(open)) text = text.slice(0, -1).trim();
      else continue;
      changed = true;
      break;
    }
  }
  return text.length > 0 ? text : clause.trim();
}

const flagOf = (found: FoundFact, sources: CardSources): Flag => {
  const role = FACT_ROLES[found.fact];
  return {
    kind: role.kind === 'red' ? 'red' : 'green',
    id: found.fact,
    label: copy.facts[found.fact].label,
    evidence: tidyEvidence(found.clause),
    weight: Math.round(found.probability * 100) / 100,
    chunkId: role.card,
    source: sources.get(role.card)?.source ?? role.card,
  };
};

export function flagsOf(judgement: Judgement, sources: CardSources): Flag[] {
  const flags: Flag[] = [];
  for (const found of judgement.facts) if (isRed(found.fact)) flags.push(flagOf(found, sources));
  const fee = judgement.fee.eventFee;
  const accountable = judgement.facts.some((f) => f.fact === 'organiser-public');
  const gathering = judgement.facts.some((f) => f.fact === 'personal-social') === false;
  if (fee !== undefined && fee < CHEAP_FEE_BELOW && !accountable && gathering && judgement.level !== 'legit' && judgement.fee.evidence) {
    flags.push({
      kind: 'red',
      id: 'cheap-fee',
      label: copy.verdict.cheapLabel,
      evidence: tidyEvidence(judgement.fee.evidence),
      weight: 1,
      chunkId: 'cheap-vs-expensive-events',
      source: sources.get('cheap-vs-expensive-events')?.source ?? 'cheap-vs-expensive-events',
    });
  }
  for (const found of judgement.facts) if (isGreen(found.fact) && !BASIC_DETAILS.has(found.fact)) flags.push(flagOf(found, sources));
  // The basics (date, venue, fee, programme) are one sign of a plainly described event, not four.
  const basics = judgement.facts.filter((f) => BASIC_DETAILS.has(f.fact));
  if (basics.length >= 2) flags.push({ ...flagOf(basics[0]!, sources), id: 'details-clear', label: copy.verdict.basicDetailsLabel });
  if (fee !== undefined && fee >= HIGH_FEE_FROM && judgement.fee.evidence && !flags.some((f) => f.evidence === judgement.fee.evidence && f.kind === 'red')) {
    flags.push({
      kind: 'green',
      id: 'high-fee',
      label: copy.verdict.highFeeLabel,
      evidence: tidyEvidence(judgement.fee.evidence),
      weight: 1,
      chunkId: 'cheap-vs-expensive-events',
      source: sources.get('cheap-vs-expensive-events')?.source ?? 'cheap-vs-expensive-events',
    });
  }
  return flags;
}

/** Next steps for the user, most important first. */
export function adviceFor(level: Level, flags: readonly Flag[], personal = false): string[] {
  const a = copy.verdict.advice;
  if (personal) return [a.personal];
  const has = (id: string) => flags.some((f) => f.id === id);
  if (level === 'legit') {
    const advice: string[] = [a.soundButStayAlert, a.prepareGoal];
    if (flags.some((f) => f.kind === 'red')) advice.push(a.checkPage);
    return advice;
  }
  if (level === 'likely-trap') {
    const advice: string[] = [a.neverSignOnSpot];
    if (has('borrowing') || has('decide-now') || has('income-promise') || has('upfront-cost')) advice.push(a.neverBorrow);
    if (has('romance-lure')) advice.push(a.dateShoho);
    if (has('sns-stranger')) advice.push(a.noMoneyToSnsContacts);
    if (has('religious-spiritual')) advice.push(a.noContactOnSpot);
    advice.push(a.askInWriting, a.declineClearly, a.coolingOff, a.hotline);
    return advice;
  }
  const advice: string[] = [a.askInWriting, a.checkPage];
  if (has('religious-spiritual')) advice.push(a.noContactOnSpot);
  advice.push(a.neverSignOnSpot, a.noSecondVenue, a.leaveIfPitched, a.hotline);
  return advice;
}

export function verdictFromJudgement(judgement: Judgement, sources: CardSources): Verdict {
  const flags = flagsOf(judgement, sources);
  const p = judgement.probabilities;
  let score = Math.round(100 * p['likely-trap'] + 50 * p.caution);
  if (judgement.floored) score = Math.max(score, FLOOR_SCORE);
  if (judgement.personal) score = Math.min(score, 10);
  return {
    level: judgement.level,
    score,
    flags,
    advice: adviceFor(judgement.level, flags, judgement.personal),
    ...(judgement.personal ? { personal: true } : {}),
  };
}

/** Judges one invitation with the shipped models (or the ones given). */
export function judgeInvitation(text: string, sources: CardSources, model: VerdictModel = shippedVerdictModel(), extraFacts: readonly FoundFact[] = []): Verdict {
  return verdictFromJudgement(model.judge(text, extraFacts), sources);
}

/** What a link in an invitation is, as far as the verdict cares (see reading/link-kind.ts). */
export type LinkSign = { kind: 'shortener' | 'line-invite' | 'profile'; url: string };

const LINK_SIGNS = {
  shortener: { copy: 'shortener', card: 'check-event-before-going' },
  'line-invite': { copy: 'lineInvite', card: 'red-noisy-line-groups' },
  profile: { copy: 'profile', card: 'check-event-before-going' },
} as const;

/**
 * Links are facts of their own: a shortener hides where it leads, a lin.ee link moves the talk into
 * another LINE account or group, a profile page is no event page. Each is a flag quoting the link,
 * and none lets the level stay legit (what is behind it cannot be checked).
 */
export function withLinkSigns(verdict: Verdict, signs: readonly LinkSign[], sources: CardSources): Verdict {
  if (signs.length === 0) return verdict;
  const flags: Flag[] = signs.map((sign) => {
    const { copy: key, card } = LINK_SIGNS[sign.kind];
    return { kind: 'red', id: `link-${sign.kind}`, label: copy.link[key].label, evidence: sign.url, weight: 1, chunkId: card, source: sources.get(card)?.source ?? card };
  });
  const level: Level = verdict.level === 'legit' ? 'caution' : verdict.level;
  const allFlags = [...flags, ...verdict.flags];
  const { personal: _dropped, ...rest } = verdict;
  return { ...rest, level, flags: allFlags, advice: adviceFor(level, allFlags) };
}
