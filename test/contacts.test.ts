import { describe, expect, it } from 'vitest';
import { coachingPlan, detectGoal, isHarmfulRequest } from '../src/adviser/coaching.ts';
import { applyMention, findContact, findNames, isContactReport, readContactMention } from '../src/adviser/contacts.ts';
import { maskPersonalData } from '../src/adviser/privacy.ts';

const T0 = Date.parse('2026-11-01T10:00:00Z');

describe('reading what a user says about a person', () => {
  it('records name, place, facts and the first stage from a report', () => {
    expect(readContactMention('IT交流会で田中さんと名刺交換した、同い年の営業職')).toEqual({
      name: '田中さん',
      metAt: 'IT交流会',
      stage: '名刺交換',
      facts: ['同い年', '営業職'],
    });
  });

  it('sees a later stage in casual wording', () => {
    expect(readContactMention('田中さんとLINE交換したよ')?.stage).toBe('連絡先交換');
    expect(readContactMention('佐藤さんと2人でランチした！')?.stage).toBe('食事・飲み');
    expect(readContactMention('山本さんとサシ飲みした')?.stage).toBe('食事・飲み');
  });

  it('notes a contact who turned out to be married', () => {
    expect(readContactMention('鈴木さん既婚だった')?.marital).toBe('married');
  });

  it('does not take group words like みなさん for a person', () => {
    expect(findNames('みなさんにお礼を言いたい。お客さんにも')).toEqual([]);
  });

  it('tells a report from a question about the same person', () => {
    expect(isContactReport('田中さんとLINE交換したよ')).toBe(true);
    expect(isContactReport('田中さんを合コンに誘うには？')).toBe(false);
  });
});

describe('a contact record over time', () => {
  it('moves forward through the stages and never back', () => {
    let contact = applyMention(undefined, readContactMention('IT交流会で田中さんと名刺交換した')!, T0);
    contact = applyMention(contact, readContactMention('田中さんとサシ飲みした')!, T0 + 1);
    contact = applyMention(contact, readContactMention('田中さんとLINE交換した')!, T0 + 2);
    expect(contact.stage).toBe('食事・飲み');
    expect(contact.metAt).toBe('IT交流会');
  });

  it('is found by name with or without the honorific', () => {
    const contact = applyMention(undefined, readContactMention('田中さんと名刺交換した')!, T0);
    expect(findContact([contact], '田中を飲みに誘いたい')).toBe(contact);
    expect(findContact([contact], '佐藤さんのこと')).toBeUndefined();
  });
});

describe('stage-aware coaching', () => {
  const fresh = applyMention(undefined, readContactMention('IT交流会で田中さんと名刺交換した、同い年の営業職')!, T0);

  it('says 合コン is early for a contact met once, and gives the next step first', () => {
    const plan = coachingPlan(fresh, detectGoal('田中さんを合コンに誘うには？'));
    expect(plan.lead).toContain('田中さん');
    expect(plan.lead).toContain('まだ少し早い');
    expect(plan.steps.join('')).toContain('お礼');
    expect(plan.chunkIds).toContain('married-contacts');
    expect(plan.closing).toContain('いいよ');
  });

  it('lets a contact who has been out for drinks move toward 合コン with their consent', () => {
    const close = { ...fresh, stage: '食事・飲み' as const, marital: 'single' as const };
    const plan = coachingPlan(close, '合コン');
    expect(plan.lead).toContain('よいタイミング');
    expect(plan.steps.join('')).toMatch(/乗り気/);
    expect(plan.chunkIds).toContain('goukon-with-permission');
  });

  it('does not coach romance toward a married contact', () => {
    const plan = coachingPlan({ ...fresh, marital: 'married' }, '合コン');
    expect(plan.lead).toContain('おすすめしません');
  });

  it('recognises requests to track a person or push past a no', () => {
    expect(isHarmfulRequest('田中さんの家を調べたい')).toBe(true);
    expect(isHarmfulRequest('断られたけどもう一度しつこく誘いたい')).toBe(true);
    expect(isHarmfulRequest('田中さんを飲みに誘うには？')).toBe(false);
  });
});

describe('privacy', () => {
  it('masks phone numbers and e-mail addresses but keeps fees and dates', () => {
    expect(maskPersonalData('連絡は090-1234-5678かtanaka@example.co.jpまで。参加費3000円、2025年7月18日')).toBe(
      '連絡は[電話番号]か[メール]まで。参加費3000円、2025年7月18日',
    );
  });
});
