// Follow-ups on the last verdict: why, how to decline, what to watch for, a text to send.
import { copy } from '../../copy.ts';
import type { SourceRef, Verdict } from '../../types.ts';
import { explainVerdict, howToDecline, precautionsFor, verdictExample } from '../../verdict/card.ts';
import type { Action } from '../../understanding/resolve.ts';
import { type Handler, reply, text, type TurnContext } from '../context.ts';

export function sourcesOfVerdict(ctx: TurnContext, verdict: Verdict): SourceRef[] {
  const seen = new Set<string>();
  const refs: SourceRef[] = [];
  for (const flag of verdict.flags) {
    if (seen.has(flag.chunkId)) continue;
    seen.add(flag.chunkId);
    const card = ctx.services.card(flag.chunkId);
    if (card) refs.push({ id: card.id, title: card.title, source: card.source });
  }
  return refs;
}

const FOLLOW_UPS: [Action, string][] = [
  ['verdict-why', copy.verdict.buttons.why],
  ['verdict-decline', copy.verdict.buttons.decline],
  ['verdict-precautions', copy.verdict.buttons.precautions],
];

function followUp(action: Action, compose: (verdict: Verdict) => string): Handler {
  return async (ctx) => {
    const last = ctx.state.profile.lastVerdict;
    if (!last) return reply(action, [text(copy.noVerdictYet)]);
    const others = FOLLOW_UPS.filter(([a]) => a !== action).map(([, label]) => label);
    return reply(action, [text(compose(last.verdict), others)], { verdict: last.verdict, sources: sourcesOfVerdict(ctx, last.verdict) });
  };
}

export const verdictWhy = followUp('verdict-why', explainVerdict);
export const verdictDecline = followUp('verdict-decline', howToDecline);
export const verdictPrecautions = followUp('verdict-precautions', precautionsFor);
export const verdictExampleHandler = followUp('verdict-example', verdictExample);
