// Invitations as they really arrive: an image (a screenshot, a flyer) read to text, and a link to an
// event page read for its facts, each then judged like a pasted invitation.
import { copy } from '../../copy.ts';
import { maskPersonalData } from '../../privacy.ts';
import { findUrls, linkKind, type PageFacts } from '../../reading/link.ts';
import type { Verdict } from '../../types.ts';
import { verdictMessages } from '../../verdict/card.ts';
import { MAX_INVITATION_CHARS } from '../../verdict/clauses.ts';
import { type LinkSign, withLinkSigns } from '../../verdict/verdict.ts';
import { type Handler, reply, text, type TurnContext } from '../context.ts';
import { sourcesOfVerdict } from './verdict-follow-ups.ts';

/** A page's event facts as lines of text the verdict reads like an invitation (bounded). */
export function pageAsText(page: PageFacts): string {
  const lines = [
    page.title,
    page.organiser ? `主催：${page.organiser}` : undefined,
    page.startDate ? `日時：${page.startDate}` : undefined,
    page.location ? `会場：${page.location}` : undefined,
    page.price ? `参加費：${page.price}` : undefined,
    page.description,
    page.text.slice(0, 1_500),
  ];
  return lines.filter((line): line is string => Boolean(line && line.trim())).join('\n').slice(0, 3_000);
}

/** What a link says by its kind alone: a shortener, a lin.ee invitation, a profile page. */
export function linkSigns(urls: readonly string[], pages: readonly PageFacts[]): LinkSign[] {
  const signs: LinkSign[] = [];
  for (const url of urls) {
    const kind = linkKind(url).kind;
    const page = pages.find((p) => p.url === url);
    // A shortener that led to an event platform has shown where it goes.
    if (kind === 'shortener' && page?.finalKind === 'event-platform') continue;
    if (kind === 'shortener' || kind === 'line-invite' || kind === 'profile') signs.push({ kind, url });
  }
  return signs;
}

/** The message without its links, to see whether anything is left to judge when a page cannot be read. */
const withoutUrls = (message: string, urls: readonly string[]) => urls.reduce((t, u) => t.replace(u, ''), message).replace(/\s+/g, '');

async function judgeAndReply(ctx: TurnContext, invitation: string, read?: { text: string; from: 'image' | 'page'; host?: string }, signs: readonly LinkSign[] = [], note?: string) {
  let verdict: Verdict = await ctx.services.judge(ctx, invitation.slice(0, MAX_INVITATION_CHARS));
  verdict = withLinkSigns(verdict, signs, ctx.services.cardSources);
  if (read) verdict = { ...verdict, read: read.text, readFrom: read.from, ...(read.host ? { readHost: read.host } : {}) };
  ctx.state.profile.lastVerdict = { verdict, invitation: maskPersonalData(invitation), at: ctx.now };
  ctx.state.profile.pendingInvitation = { text: invitation.slice(0, MAX_INVITATION_CHARS), parts: 1, at: ctx.now };
  const messages = verdictMessages(verdict);
  if (note) messages.push(text(note));
  return reply('judge', messages, { verdict, sources: sourcesOfVerdict(ctx, verdict), debug: { read: read?.from, flags: verdict.flags.map((f) => ({ kind: f.kind, id: f.id, evidence: f.evidence })) } });
}

/** An image: read, then judged — or a short, friendly answer when it holds no invitation. */
export const judgeImage: Handler = async (ctx) => {
  if (ctx.input.imageFailure) return reply('judge-image', [text(ctx.input.imageFailure === 'too-large' ? copy.image.tooLarge : copy.image.unreadable)]);
  const reading = await ctx.services.readImage(ctx, ctx.input.image ?? new Uint8Array());
  if ('failure' in reading) return reply('judge-image', [text(reading.failure === 'too-large' ? copy.image.tooLarge : copy.image.unreadable)]);
  if (!reading.hasText) return reply('judge-image', [text(copy.image.noText)]);
  return judgeAndReply(ctx, reading.text, { text: reading.text, from: 'image' });
};

/**
 * A message with a link: the page is read (its event facts) and judged together with the message.
 * A page that cannot be read is said so; the message alone is judged when it says enough by itself.
 */
export const judgeWithLinks: Handler = async (ctx) => {
  const urls = findUrls(ctx.text).slice(0, 2);
  const pages: PageFacts[] = [];
  let failed = false;
  for (const url of urls) {
    const page = await ctx.services.readLink(url);
    if ('failure' in page) failed = true;
    else pages.push(page);
  }
  const signs = linkSigns(urls, pages);
  if (pages.length === 0 && withoutUrls(ctx.text, urls).length < 15) {
    if (signs.length === 0) return reply('judge', [text(copy.verdict.linkUnreadable)]);
    return judgeAndReply(ctx, ctx.text, undefined, signs, copy.verdict.linkUnreadable);
  }
  const pageText = pages.map(pageAsText).join('\n');
  const invitation = pageText ? `${ctx.text}\n${pageText}` : ctx.text;
  const first = pages[0];
  return judgeAndReply(ctx, invitation, first ? { text: pageText, from: 'page', host: first.host } : undefined, signs, failed ? copy.verdict.linkUnreadable : undefined);
};
