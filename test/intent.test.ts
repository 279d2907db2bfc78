import { describe, expect, it } from 'vitest';
import { isHarmfulRequest } from '../src/adviser/coaching.ts';
import { isContactReport } from '../src/adviser/contacts.ts';
import { classifyIntent, type IntentContext, type IntentProbes, intentFromPostback, parsePostback } from '../src/adviser/intent.ts';
import { looksLikeInvitation } from '../src/adviser/verdict.ts';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const MIN = 60_000;
const probes = (known: string[] = []): IntentProbes => ({
  invitationLike: looksLikeInvitation,
  contactReport: isContactReport,
  mentionsKnownContact: (t) => known.some((name) => t.includes(name)),
  harmful: isHarmfulRequest,
});
const intent = (text: string, ctx: Partial<IntentContext> = {}, known: string[] = []) => classifyIntent(text, { now: NOW, ...ctx }, probes(known));

describe('what a message is about', () => {
  it.each([
    ['ヘルプ', 'help'],
    ['使い方', 'help'],
    ['リセット', 'command-reset'],
    ['データを削除', 'command-delete'],
    ['連絡先一覧', 'contacts-list'],
    ['田中さんを削除', 'contact-delete'],
    ['ありがとう！', 'thanks'],
    ['安い交流会ってヤバい？', 'question'],
    ['来週カフェ会あるけど来ない？', 'invitation'],
    ['IT交流会で田中さんと名刺交換した、同い年の営業職', 'contact-report'],
    ['田中さんの家の住所を調べたい', 'harmful-request'],
  ])('「%s」 is %s', (text, expected) => {
    expect(intent(text)).toBe(expected);
  });

  it('reads なぜ？ as a question about the verdict just given', () => {
    expect(intent('なぜ？', { lastVerdictAt: NOW - 5 * MIN })).toBe('verdict-why');
  });

  it('reads なんで？ as a follow-up to the topic when an answer came after the verdict', () => {
    expect(intent('なんで？', { lastVerdictAt: NOW - 10 * MIN, lastTopicAt: NOW - 2 * MIN })).toBe('followup');
  });

  it('reads どう断る？ after a verdict as asking how to decline that invitation', () => {
    expect(intent('どう断る？', { lastVerdictAt: NOW - MIN })).toBe('verdict-decline');
  });

  it('reads これ大丈夫？ right after a pasted invitation as asking about it', () => {
    expect(intent('これ大丈夫？', { pendingInvitationAt: NOW - 2 * MIN })).toBe('invitation');
    expect(intent('これ大丈夫？', { pendingInvitationAt: NOW - 3 * 60 * MIN })).toBe('question');
  });

  it('sends a question about a known contact to coaching', () => {
    expect(intent('田中さんを合コンに誘うには？', {}, ['田中さん'])).toBe('coaching');
    expect(intent('田中さんを合コンに誘うには？')).toBe('question');
  });
});

describe('buttons', () => {
  it('acts on a button of the current session', () => {
    expect(intentFromPostback(parsePostback('action=why&s=abc'), 'abc')).toBe('verdict-why');
  });

  it('refuses a button from a conversation that was reset', () => {
    expect(intentFromPostback(parsePostback('action=delete-confirm&s=old'), 'new')).toBe('stale-button');
  });
});
