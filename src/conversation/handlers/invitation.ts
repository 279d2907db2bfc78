// Invitations: judge one (merging forwarded parts), say again what was judged, or ask for one.
import { copy } from '../../copy.ts';
import { maskPersonalData } from '../../privacy.ts';
import { buildVerdictCard, verdictMessages, verdictSummary } from '../../verdict/card.ts';
import { MAX_INVITATION_CHARS } from '../../verdict/clauses.ts';
import { findUrls } from '../../reading/link.ts';
import { type Handler, reply, text } from '../context.ts';
import { judgeWithLinks } from './images-and-links.ts';
import { sourcesOfVerdict } from './verdict-follow-ups.ts';

/** Forwarded parts arriving this close together are read as one invitation… */
export const PARTS_WINDOW_MS = 3 * 60_000;
/** …up to this many parts (and MAX_INVITATION_CHARS in all), so no one can grow a text without end. */
export const MAX_PARTS = 5;

export const judge: Handler = async (ctx) => {
  if (findUrls(ctx.text).length > 0) return judgeWithLinks(ctx);
  const { profile } = ctx.state;
  const pending = profile.pendingInvitation;
  const mergeable =
    pending !== undefined &&
    ctx.now - pending.at <= PARTS_WINDOW_MS &&
    pending.text !== ctx.text &&
    pending.parts < MAX_PARTS &&
    pending.text.length + ctx.text.length + 1 <= MAX_INVITATION_CHARS;
  const invitation = mergeable ? `${pending.text}\n${ctx.text}` : ctx.text.slice(0, MAX_INVITATION_CHARS);
  const verdict = await ctx.services.judge(ctx, invitation);
  profile.lastVerdict = { verdict, invitation: maskPersonalData(invitation), at: ctx.now };
  profile.pendingInvitation = { text: invitation, parts: mergeable ? pending.parts + 1 : 1, at: ctx.now };
  const debug = { flags: verdict.flags.map((f) => ({ kind: f.kind, id: f.id, evidence: f.evidence, weight: f.weight })), parts: profile.pendingInvitation.parts };
  if (verdict.personal) {
    return reply('judge', [text(copy.verdict.personal, [{ type: 'action', action: { type: 'postback', label: copy.verdict.personalJudgeAnyway, data: 'action=card', displayText: copy.verdict.personalJudgeAnyway } }])], {
      verdict,
      debug,
    });
  }
  return reply('judge', verdictMessages(verdict), { verdict, sources: sourcesOfVerdict(ctx, verdict), debug });
};

/** 「これ大丈夫？」 right after a verdict: the level and its main reason, not the card again. */
export const verdictSummaryHandler: Handler = async (ctx) => {
  const last = ctx.state.profile.lastVerdict;
  if (!last) return reply('invitation-prompt', [text(copy.invitationPrompt)]);
  return reply('verdict-summary', [text(verdictSummary(last.verdict), [copy.verdict.buttons.why, copy.verdict.buttons.decline])], {
    verdict: last.verdict,
    sources: sourcesOfVerdict(ctx, last.verdict),
  });
};

/** The card of the last verdict (「念のため判定して」 after a personal invitation). */
export const verdictCard: Handler = async (ctx) => {
  const last = ctx.state.profile.lastVerdict;
  if (!last) return reply('invitation-prompt', [text(copy.invitationPrompt)]);
  return reply('judge', [buildVerdictCard(last.verdict)], { verdict: last.verdict, sources: sourcesOfVerdict(ctx, last.verdict) });
};

export const invitationPrompt: Handler = async () => reply('invitation-prompt', [text(copy.invitationPrompt)]);
