// Contacts and stage-aware coaching: plain functions over plain data, and the models that read a
// contact report.
import { describe, expect, it } from 'vitest';
import { applyMention, contactNamedIn, describeContact, findContact } from '../src/coaching/contacts.ts';
import { coachingPlan, goalOfCards } from '../src/coaching/plan.ts';
import { maskPersonalData } from '../src/privacy.ts';
import { shippedContactReader } from '../src/understanding/contact-details.ts';

const T0 = Date.parse('2026-11-01T10:00:00Z');
const reader = shippedContactReader();

describe('reading what a user says about a person', () => {
  it('reads how far the relationship has gone, however it is said', () => {
    expect(reader.read('IT交流会で田中さんと名刺交換した、同い年の営業職')).toMatchObject({ stage: '名刺交換', metAt: 'IT交流会' });
    expect(reader.read('田中さんとLINE交換したよ').stage).toBe('連絡先交換');
    expect(reader.read('佐藤さんと2人でランチ行ってきた！').stage).toBe('食事・飲み');
    expect(reader.read('山本さんとサシ飲みした').stage).toBe('食事・飲み');
  });

  it('notes a contact who turned out to be married, and not one the user only wonders about', () => {
    expect(reader.read('鈴木さん既婚だった…指輪してた').marital).toBe('married');
    expect(reader.read('鈴木さんって結婚してるのかな？').marital).toBeUndefined();
  });
});

describe('a contact record over time', () => {
  it('moves forward through the stages and never back, and keeps the user’s own words', () => {
    let contact = applyMention(undefined, { name: '田中さん', stage: '名刺交換', metAt: 'IT交流会', note: 'IT交流会で名刺交換' }, T0);
    contact = applyMention(contact, { name: '田中さん', stage: '食事・飲み', note: 'サシ飲みした' }, T0 + 1);
    contact = applyMention(contact, { name: '田中さん', stage: '連絡先交換' }, T0 + 2);
    expect(contact.stage).toBe('食事・飲み');
    expect(contact.metAt).toBe('IT交流会');
    expect(contact.facts).toEqual(['IT交流会で名刺交換', 'サシ飲みした']);
  });

  it('is found by name with or without the honorific', () => {
    const contact = applyMention(undefined, { name: '田中さん' }, T0);
    expect(findContact([contact], '田中さん')).toBe(contact);
    expect(findContact([contact], '田中')).toBe(contact);
    expect(findContact([contact], '佐藤さん')).toBeUndefined();
    expect(contactNamedIn([contact], '田中を飲みに誘いたい')).toBe(contact);
  });

  it('reads back where they met, the stage and a marriage', () => {
    const contact = applyMention(undefined, { name: '田中さん', metAt: 'カフェ会', marital: 'married' }, T0);
    expect(describeContact(contact)).toBe('田中さん（カフェ会で知り合った、既婚／いまの段階：名刺交換）');
  });
});

describe('stage-aware coaching', () => {
  const fresh = applyMention(undefined, { name: '田中さん', stage: '名刺交換', metAt: 'IT交流会' }, T0);

  it('takes the goal from the card that answers the question', () => {
    expect(goalOfCards(['goukon-with-permission', 'married-contacts'])).toBe('合コン');
    expect(goalOfCards(['what-to-bring'])).toBeUndefined();
  });

  it('says 合コン is early for a contact met once, and gives the next step first', () => {
    const plan = coachingPlan(fresh, '合コン');
    expect(plan.lead).toContain('田中さん');
    expect(plan.lead).toContain('まだ少し早い');
    expect(plan.steps.join('')).toContain('お礼');
    expect(plan.chunkIds).toContain('married-contacts');
    expect(plan.closing).toContain('いいよ');
  });

  it('lets a contact who has been out for drinks move toward 合コン with their consent', () => {
    const plan = coachingPlan({ ...fresh, stage: '食事・飲み', marital: 'single' }, '合コン');
    expect(plan.lead).toContain('よいタイミング');
    expect(plan.steps.join('')).toMatch(/乗り気/);
    expect(plan.chunkIds).toContain('goukon-with-permission');
  });

  it('does not coach romance toward a married contact', () => {
    expect(coachingPlan({ ...fresh, marital: 'married' }, '合コン').lead).toContain('おすすめしません');
  });
});

describe('privacy', () => {
  it('masks phone numbers and e-mail addresses but keeps fees and dates', () => {
    expect(maskPersonalData('連絡は090-1234-5678かtanaka@example.co.jpまで。参加費3000円、2025年7月18日')).toBe(
      '連絡は[電話番号]か[メール]まで。参加費3000円、2025年7月18日',
    );
  });

  it('masks in linear time, however long a run of digits or letters', () => {
    const started = performance.now();
    maskPersonalData('0'.repeat(50_000));
    maskPersonalData('a'.repeat(50_000));
    expect(performance.now() - started).toBeLessThan(50);
  });
});
