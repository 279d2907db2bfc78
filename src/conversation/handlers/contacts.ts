// The people a user met: recording what they tell, listing, forgetting, and coaching by stage.
import { applyMention, contactNamedIn, describeContact, findContact } from '../../coaching/contacts.ts';
import { coachingPlan, goalOfCards } from '../../coaching/plan.ts';
import { copy, sourceLine } from '../../copy.ts';
import { maskPersonalData } from '../../privacy.ts';
import type { SourceRef } from '../../types.ts';
import { type Handler, quickReply, reply, text, type TurnContext } from '../context.ts';

const refs = (ctx: TurnContext, ids: readonly string[]): SourceRef[] =>
  ids.flatMap((id) => {
    const card = ctx.services.card(id);
    return card ? [{ id: card.id, title: card.title, source: card.source }] : [];
  });

export const contactReport: Handler = async (ctx) => {
  const name = ctx.reading?.person;
  if (!name) return reply('question', [text(copy.clarify)]);
  if (!ctx.state.readable) return reply('contact-report', [text(copy.contacts.notSaved(name))]);
  const details = ctx.services.readContact(ctx.text);
  const existing = findContact(ctx.state.contacts, name);
  const updated = applyMention(existing, { name, ...details, note: maskPersonalData(ctx.text) }, ctx.now);
  ctx.state.contacts = [...ctx.state.contacts.filter((c) => c !== existing), updated];
  ctx.state.contactsChanged = true;
  const plan = coachingPlan(updated, undefined);
  const sources = refs(ctx, plan.chunkIds.slice(0, 2));
  const body = [
    existing ? copy.contacts.updated(describeContact(updated)) : copy.contacts.saved(describeContact(updated)),
    `${copy.contacts.nextSteps}\n${plan.steps.slice(0, 2).map((s) => `・${s}`).join('\n')}`,
    plan.closing,
    sourceLine(sources),
  ].join('\n\n');
  return reply('contact-report', [text(body, [quickReply(copy.contacts.inviteLabel(updated.name)), quickReply(copy.contacts.listLabel)])], {
    sources,
    debug: { contact: updated },
  });
};

export const contactAdvice: Handler = async (ctx) => {
  const contact = (ctx.reading?.person ? findContact(ctx.state.contacts, ctx.reading.person) : undefined) ?? contactNamedIn(ctx.state.contacts, ctx.text);
  if (!contact) return reply('question', [text(copy.clarify)]);
  const hits = await ctx.services.search(ctx.text);
  const goal = goalOfCards(hits.map((h) => h.chunk.id));
  const plan = coachingPlan(contact, goal);
  const sources = refs(ctx, plan.chunkIds);
  const offline = [plan.lead, plan.steps.map((s, i) => `${i + 1}. ${s}`).join('\n'), plan.closing, sourceLine(sources)].join('\n\n');
  const cards = plan.chunkIds.flatMap((id) => ctx.services.card(id) ?? []);
  const answer = await ctx.services.phrase(ctx, {
    query: maskPersonalData(ctx.text),
    cards,
    offline,
    contactContext: `${describeContact(contact)}\n${copy.contacts.nextSteps} ${plan.steps.join(' ')}`,
  });
  return reply('contact-advice', [text(answer, [quickReply(copy.contacts.listLabel), quickReply(copy.contacts.inviteLabel(contact.name))])], {
    sources,
    debug: { contact, goal },
  });
};

export const contactsList: Handler = async (ctx) => {
  const list = ctx.state.contacts;
  if (list.length === 0) return reply('contacts-list', [text(copy.contacts.empty)]);
  const body = [copy.contacts.listIntro, ...list.map((c) => `・${describeContact(c)}`), '', copy.contacts.listOutro(list[0]!.name)].join('\n');
  return reply('contacts-list', [text(body, list.slice(0, 12).map((c) => quickReply(copy.contacts.nextStepLabel(c.name), copy.contacts.nextStepText(c.name))))]);
};

export const contactForget: Handler = async (ctx) => {
  const name = ctx.reading?.person;
  if (!name) return reply('contact-forget', [text(copy.contacts.whoToForget)]);
  const target = findContact(ctx.state.contacts, name);
  if (!target) return reply('contact-forget', [text(copy.contacts.notFound(name))]);
  if (!ctx.state.readable) return reply('contact-forget', [text(copy.contacts.notSaved(name))]);
  ctx.state.contacts = ctx.state.contacts.filter((c) => c !== target);
  ctx.state.contactsChanged = true;
  return reply('contact-forget', [text(copy.contacts.forgot(target.name))]);
};
