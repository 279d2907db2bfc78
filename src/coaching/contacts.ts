// Contacts a user is working on: the record, how a new mention updates it, and how it reads back.
// Plain functions over plain data. Who a message is about, how far the relationship has gone and
// whether the person is married are read by the understanding models; the conversation layer stores
// the records.
import { copy } from '../copy.ts';

export const STAGES = ['名刺交換', '連絡先交換', '1対1で話した', '食事・飲み', '合コン・紹介'] as const;
export type Stage = (typeof STAGES)[number];

export type MaritalStatus = 'unknown' | 'single' | 'married';

export type Contact = {
  /** How the user calls them, with the honorific as said ("田中さん"). */
  name: string;
  /** Where they met, as the user put it ("IT交流会"). */
  metAt?: string | undefined;
  /** What the user told about them, in their own words (masked, short), newest last. */
  facts: string[];
  stage: Stage;
  marital: MaritalStatus;
  createdAt: number;
  updatedAt: number;
};

/** One mention of a person: only what that message says. */
export type ContactMention = {
  name: string;
  metAt?: string | undefined;
  /** The user's words about the person in this message. */
  note?: string | undefined;
  stage?: Stage | undefined;
  marital?: MaritalStatus | undefined;
};

export const MAX_FACTS = 6;
export const MAX_FACT_CHARS = 60;

const stageIndex = (stage: Stage) => STAGES.indexOf(stage);

/** Merges a mention into the record: stages only move forward, the user's notes accumulate (bounded). */
export function applyMention(existing: Contact | undefined, mention: ContactMention, now: number): Contact {
  const base: Contact = existing ?? { name: mention.name, facts: [], stage: '名刺交換', marital: 'unknown', createdAt: now, updatedAt: now };
  const stage = mention.stage && stageIndex(mention.stage) > stageIndex(base.stage) ? mention.stage : base.stage;
  const note = mention.note?.trim().slice(0, MAX_FACT_CHARS);
  const facts = note && !base.facts.includes(note) ? [...base.facts, note].slice(-MAX_FACTS) : base.facts;
  return {
    ...base,
    metAt: mention.metAt ?? base.metAt,
    facts,
    stage,
    marital: mention.marital && mention.marital !== 'unknown' ? mention.marital : base.marital,
    updatedAt: now,
  };
}

const bareName = (name: string): string => name.replace(/(?:さん|くん|ちゃん|君|様|さま|氏|先生|先輩|社長|部長|課長)$/u, '');

/** The contact with this name, with or without the honorific (田中さん, 田中). */
export function findContact(contacts: readonly Contact[], name: string): Contact | undefined {
  const wanted = name.normalize('NFKC');
  return contacts.find((c) => c.name === wanted || (bareName(c.name).length >= 1 && bareName(c.name) === bareName(wanted)));
}

/** The contact named anywhere in a text (for 「田中を飲みに誘いたい」 when 田中さん is known). */
export function contactNamedIn(contacts: readonly Contact[], text: string): Contact | undefined {
  const t = text.normalize('NFKC');
  return contacts.find((c) => t.includes(c.name) || (bareName(c.name).length >= 2 && t.includes(bareName(c.name))));
}

export function describeContact(contact: Contact): string {
  const c = copy.contacts;
  const parts = [contact.metAt ? c.metAt(contact.metAt) : undefined, contact.marital === 'married' ? c.married : contact.marital === 'single' ? c.single : undefined].filter(Boolean);
  return `${contact.name}（${parts.join('、') || c.noDetails}／${c.stage(contact.stage)}）`;
}
