// The verdict as LINE shows it: one Flex card (level, the flags with the words that raised them, what
// to do next, and the follow-up buttons), and the follow-up answers (「なぜ？」「どう断る？」
// 「参加するなら気をつけること」, an example text) composed from the stored verdict alone.
import type { messagingApi } from '@line/bot-sdk';
import { copy, LEGAL_NOTE } from '../copy.ts';
import type { Flag, LineMessage, Verdict } from '../types.ts';
import type { Fact } from './facts.ts';
import type { Level } from './level.ts';

/** LINE rejects alt text over 400 characters and text messages over 5,000. */
export const ALT_TEXT_MAX = 400;
export const TEXT_MAX = 5000;

export const LEVEL_COLOR: Record<Level, { background: string; text: string }> = {
  legit: { background: '#1E8E3E', text: '#FFFFFF' },
  caution: { background: '#F9A825', text: '#3E2723' },
  'likely-trap': { background: '#C62828', text: '#FFFFFF' },
};

/** The follow-up buttons; postback data is a query string the conversation layer parses. */
export const VERDICT_FOLLOW_UPS = [
  { label: copy.verdict.buttons.why, data: 'action=why' },
  { label: copy.verdict.buttons.decline, data: 'action=decline' },
  { label: copy.verdict.buttons.precautions, data: 'action=precautions' },
] as const;

const CARD_RED_MAX = 5;
const CARD_GREEN_MAX = 4;
const CARD_ADVICE_MAX = 3;

const reds = (v: Verdict) => v.flags.filter((f) => f.kind === 'red');
const greens = (v: Verdict) => v.flags.filter((f) => f.kind === 'green');

export function clamp(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The score in words: what was found, never a raw number. */
export function countsInWords(verdict: Verdict): string {
  return copy.verdict.counts(reds(verdict).length, greens(verdict).length);
}

function postback(label: string, data: string): messagingApi.PostbackAction {
  return { type: 'postback', label, data, displayText: label };
}

function flagRows(flags: readonly Flag[], mark: string, markColor: string): messagingApi.FlexComponent[] {
  return flags.map(
    (flag): messagingApi.FlexBox => ({
      type: 'box',
      layout: 'vertical',
      margin: 'md',
      contents: [
        { type: 'text', text: `${mark} ${flag.label}`, size: 'sm', weight: 'bold', wrap: true, color: markColor },
        { type: 'text', text: `「${clamp(flag.evidence, 90)}」`, size: 'xs', color: '#666666', wrap: true, margin: 'xs' },
      ],
    }),
  );
}

function sectionTitle(text: string): messagingApi.FlexText {
  return { type: 'text', text, size: 'sm', weight: 'bold', color: '#333333', margin: 'lg' };
}

/** The verdict card: a bubble coloured by level, flags with evidence, advice and three buttons. */
export function buildVerdictCard(verdict: Verdict): messagingApi.FlexMessage {
  const color = LEVEL_COLOR[verdict.level];
  const redFlags = reds(verdict).slice(0, CARD_RED_MAX);
  const greenFlags = greens(verdict).slice(0, CARD_GREEN_MAX);
  const body: messagingApi.FlexComponent[] = [
    { type: 'text', text: copy.verdict.summary[verdict.level], size: 'sm', wrap: true, color: '#333333' },
  ];
  if (redFlags.length > 0) body.push(sectionTitle(copy.verdict.redTitle), ...flagRows(redFlags, '🚩', '#C62828'));
  if (greenFlags.length > 0) body.push(sectionTitle(copy.verdict.greenTitle), ...flagRows(greenFlags, '✅', '#1E8E3E'));
  body.push(
    { type: 'separator', margin: 'lg' },
    sectionTitle(copy.verdict.adviceTitle),
    ...verdict.advice.slice(0, CARD_ADVICE_MAX).map(
      (line): messagingApi.FlexText => ({ type: 'text', text: `・${line}`, size: 'sm', wrap: true, margin: 'sm' }),
    ),
    { type: 'text', text: copy.verdict.cardNote, size: 'xxs', color: '#888888', wrap: true, margin: 'lg' },
  );
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    size: 'mega',
    header: {
      type: 'box',
      layout: 'vertical',
      backgroundColor: color.background,
      paddingAll: 'lg',
      contents: [
        { type: 'text', text: `判定：${copy.verdict.levelLabel[verdict.level]}`, weight: 'bold', size: 'xl', color: color.text },
        { type: 'text', text: countsInWords(verdict), size: 'xs', color: color.text, margin: 'sm', wrap: true },
      ],
    },
    body: { type: 'box', layout: 'vertical', contents: body },
    footer: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: VERDICT_FOLLOW_UPS.map(
        (b, i): messagingApi.FlexButton =>
          i === 0
            ? { type: 'button', style: 'primary', color: color.background, height: 'sm', action: postback(b.label, b.data) }
            : { type: 'button', style: 'secondary', height: 'sm', action: postback(b.label, b.data) },
      ),
    },
  };
  return { type: 'flex', altText: verdictAltText(verdict), contents: bubble };
}

/** The card as plain text (notifications, old clients, the CLI): at most 400 characters. */
export function verdictAltText(verdict: Verdict): string {
  const lines = [`【判定：${copy.verdict.levelLabel[verdict.level]}】${copy.verdict.summary[verdict.level]}`];
  const redFlags = reds(verdict).slice(0, 3);
  if (redFlags.length > 0) lines.push(`${copy.verdict.redTitle}：${redFlags.map((f) => f.label).join('／')}`);
  const greenFlags = greens(verdict).slice(0, 3);
  if (greenFlags.length > 0) lines.push(`${copy.verdict.greenTitle}：${greenFlags.map((f) => f.label).join('／')}`);
  if (verdict.advice[0]) lines.push(`${copy.verdict.adviceTitle}：${verdict.advice[0]}`);
  let text = lines.join('\n');
  while (text.length > ALT_TEXT_MAX && lines.length > 2) {
    lines.splice(lines.length - 2, 1);
    text = lines.join('\n');
  }
  return clamp(text, ALT_TEXT_MAX);
}

/** The verdict in one spoken sentence, before the card: the answer comes first, in the senpai's voice. */
export function verdictLead(verdict: Verdict): string {
  const top = reds(verdict).sort((a, b) => b.weight - a.weight)[0];
  if (verdict.level === 'likely-trap') return copy.verdict.companion['likely-trap'](top?.label ?? copy.verdict.levelLabel['likely-trap']);
  if (verdict.level === 'caution') return copy.verdict.companion.caution(top?.label);
  return copy.verdict.companion.legit;
}

/**
 * The reply to an invitation: one spoken sentence with the verdict, the card, and one short text
 * only when it says something the card does not (that the text was read from an image or a page).
 * The buttons are on the card only.
 */
export function verdictMessages(verdict: Verdict): LineMessage[] {
  const messages: LineMessage[] = [{ type: 'text', text: verdictLead(verdict) }, buildVerdictCard(verdict)];
  const note =
    verdict.readFrom === 'image' ? copy.verdict.readFromImage : verdict.readFrom === 'page' && verdict.readHost ? copy.verdict.readFromPage(verdict.readHost) : undefined;
  if (note) messages.push({ type: 'text', text: note });
  return messages;
}

// ---------------------------------------------------------------- follow-ups

function whyOf(flag: Flag): string {
  if (flag.id === 'link-shortener') return copy.link.shortener.why;
  if (flag.id === 'link-line-invite') return copy.link.lineInvite.why;
  if (flag.id === 'link-profile') return copy.link.profile.why;
  if (flag.id === 'cheap-fee') return copy.verdict.cheapWhy;
  if (flag.id === 'high-fee') return copy.verdict.highFeeWhy;
  if (flag.id === 'details-clear') return copy.facts['date-time'].why;
  return (copy.facts as Record<string, { why: string } | undefined>)[flag.id]?.why ?? copy.facts['organiser-hidden'].why;
}

/** 「なぜ？」: each flag, the words that raised it, and what the knowledge says about it. */
export function explainVerdict(verdict: Verdict): string {
  const level = copy.verdict.levelLabel[verdict.level];
  const parts: string[] = [copy.verdict.whyIntro(level, countsInWords(verdict))];
  if (verdict.explanation?.trim()) parts.push(clamp(verdict.explanation.trim(), 1200));
  const describe = (flag: Flag, mark: string) => `${mark} ${copy.verdict.flagReason(flag.label, clamp(flag.evidence, 90), whyOf(flag), flag.source)}`;
  if (reds(verdict).length > 0) parts.push(`【${copy.verdict.redTitle}】\n${reds(verdict).map((f) => describe(f, '🚩')).join('\n\n')}`);
  if (greens(verdict).length > 0) parts.push(`【${copy.verdict.greenTitle}】\n${greens(verdict).map((f) => describe(f, '✅')).join('\n\n')}`);
  if (verdict.flags.length === 0) parts.push(copy.verdict.noFlags);
  parts.push(copy.verdict.levelReason[verdict.level], LEGAL_NOTE);
  return clamp(parts.join('\n\n'), TEXT_MAX);
}

const PITCH_FAMILY: ReadonlySet<string> = new Set<Fact>([
  'mlm', 'sales-pitch', 'risky-product', 'income-promise', 'referral-reward', 'second-purpose', 'second-venue', 'money-study',
  'mentor-lure', 'vague-good-story', 'upfront-cost', 'decide-now', 'borrowing', 'withheld',
]);

/** 「どう断る？」: ready-to-send lines that fit the flags, and how to hold the line. */
export function howToDecline(verdict: Verdict): string {
  const has = (id: string) => verdict.flags.some((f) => f.id === id);
  const t = copy.verdict.declineTemplates;
  const templates: string[] = [t.basic];
  if (verdict.flags.some((f) => f.kind === 'red' && PITCH_FAMILY.has(f.id))) templates.push(t.pitch);
  if (has('religious-spiritual')) templates.push(t.religious);
  if (has('romance-lure') || has('sns-stranger')) templates.push(t.money);
  if (has('early-morning-growth') || has('attendance-duty') || has('referral-quota') || has('line-group-duty')) templates.push(t.regular);
  const lines = [
    verdict.level === 'legit' ? copy.verdict.declineLead.legit : copy.verdict.declineLead.other,
    `${copy.verdict.declineTemplatesTitle}\n${templates.map((x) => `・「${x}」`).join('\n')}`,
    copy.verdict.declineTips,
  ];
  if (verdict.level !== 'legit') {
    lines.push(copy.verdict.coolingOff);
    if (has('romance-lure')) lines.push(copy.verdict.dateShoho);
  }
  lines.push(LEGAL_NOTE);
  return clamp(lines.join('\n\n'), TEXT_MAX);
}

/** 「例文ほしい」 after a verdict: a text to send, fitting the level (decline, ask in writing, or join). */
export function verdictExample(verdict: Verdict): string {
  if (verdict.level === 'likely-trap') return howToDecline(verdict);
  return verdict.level === 'caution' ? copy.verdict.askInWritingExample : copy.verdict.joinReplyExample;
}

/** 「参加するなら気をつけること」: before, during and after, tuned to the flags. */
export function precautionsFor(verdict: Verdict): string {
  const has = (id: string) => verdict.flags.some((f) => f.id === id);
  const p = copy.verdict.precautions;
  const before: string[] = [...p.before];
  if (verdict.level !== 'legit') before.push(p.tellSomeone);
  if (has('attendance-duty') || has('early-morning-growth') || has('membership')) before.push(p.askRules);
  const during: string[] = [...p.during];
  if (has('rules-no-solicitation') || has('rules-enforced')) during.push(p.tellStaff);
  if (has('religious-spiritual')) during.push(p.noAddress);
  if (verdict.level === 'legit') during.unshift(p.cards);
  const block = (title: string, items: readonly string[]) => `【${title}】\n${items.map((i) => `・${i}`).join('\n')}`;
  return clamp(
    [
      copy.verdict.precautionsIntro[verdict.level],
      block(p.titles.before, before),
      block(p.titles.bring, p.bring),
      block(p.titles.during, during),
      block(p.titles.after, p.after),
      LEGAL_NOTE,
    ].join('\n\n'),
    TEXT_MAX,
  );
}

/** 「これ大丈夫？」 after a verdict: the level in a sentence and the strongest reason, not the card again. */
export function verdictSummary(verdict: Verdict): string {
  const top = reds(verdict)[0] ?? greens(verdict)[0];
  const lines = [copy.verdict.summaryAgain(copy.verdict.levelLabel[verdict.level]) + copy.verdict.summary[verdict.level]];
  if (top) lines.push(copy.verdict.topReason(top.label, clamp(top.evidence, 60)));
  if (verdict.advice[0]) lines.push(verdict.advice[0]);
  return lines.join('\n');
}
