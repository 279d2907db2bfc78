// Contacts a user is working on: recognising them in what the user says, and their stage.
// Plain functions over plain data; the conversation layer stores the records.

export const STAGES = ['名刺交換', '連絡先交換', '1対1で話した', '食事・飲み', '合コン・紹介'] as const;
export type Stage = (typeof STAGES)[number];

export type MaritalStatus = 'unknown' | 'single' | 'married';

export type Contact = {
  /** How the user calls them, with the honorific as said ("田中さん"). */
  name: string;
  /** Where they met, as the user put it ("IT交流会"). */
  metAt?: string | undefined;
  /** Short facts the user told ("同い年", "営業職"), newest last. */
  facts: string[];
  stage: Stage;
  marital: MaritalStatus;
  createdAt: number;
  updatedAt: number;
};

/** A contact mention found in one message: only what that message says. */
export type ContactMention = {
  name: string;
  metAt?: string;
  facts: string[];
  stage?: Stage;
  marital?: MaritalStatus;
};

const HONORIFIC = '(?:さん|くん|君|ちゃん|氏|社長|部長|課長|先生)';
const NAME = new RegExp(`([一-龥々ァ-ヶーA-Za-z]{1,8}|[ぁ-ん]{2,6})${HONORIFIC}`, 'gu');
/** Words that take an honorific but are not a person the user is working on. */
const NOT_A_NAME = /^(?:皆|みな|お客|客|相手|先輩|後輩|店員|主催者|主催|幹事|その人|あの人|この人|誰|だれ|どなた|お兄|お姉|奥|旦那|彼女|彼氏|業者|担当|営業|向こう|他|ほか|みん|〇〇|○○|××|某)$/u;

const EVENT_PLACE = /([^\s、。,，!！?？]{0,12}?(?:異業種交流会|交流会|カフェ会|朝活|名刺交換会|勉強会|セミナー|懇親会|パーティー?|読書会|飲み会|ランチ会|イベント))(?:で|にて|の時|のとき)/u;

/** Stage cues, strongest (latest stage) first: the highest stage mentioned wins. */
const STAGE_CUES: [Stage, RegExp][] = [
  ['合コン・紹介', /合コン(?:を|した|やった|に行った|開いた|をした)|(?:友達|友人)を紹介(?:した|してもらった)/u],
  ['食事・飲み', /(?:飲みに|ご飯に|ごはんに|食事に|ランチに|ディナーに)(?:行った|行きました)|(?:食事|飲み|サシ飲み|ディナー|ランチ|ご飯|ごはん)(?:を)?(?:した|しました|行った)|一緒に(?:飲んだ|食べた)/u],
  ['1対1で話した', /(?:2人|二人|ふたり|1対1|一対一|サシ)で(?:話|お茶|会っ)|お茶(?:を)?(?:した|しました)|電話で話した|個別に(?:会っ|話)/u],
  ['連絡先交換', /(?:LINE|ライン|インスタ|連絡先|メアド|アドレス|SNS)(?:を)?(?:交換|教えてもらった|聞いた|ゲット)|(?:LINE|ライン)で(?:つなが|やりとり|やり取り)/iu],
  ['名刺交換', /名刺(?:を)?交換|名刺(?:を)?もらった|名刺(?:を)?渡した|知り合った|出会った|会った/u],
];

const MARRIED = /既婚|結婚して(?:いる|る|います)|奥さん(?:が|いる)|旦那さん(?:が|いる)|指輪(?:して|をして|をつけて)|子ども?(?:が|いる)/u;
const SINGLE = /独身|未婚|彼女いない|彼氏いない|恋人(?:は)?いない|フリー(?:らしい|だって|です)/u;

/** Facts worth remembering: age, job, hobby and similar short descriptors. */
const FACT_PATTERNS: RegExp[] = [
  /同い年|年上|年下|[0-9０-９]{2}(?:代|歳)(?:前半|後半)?/u,
  /[^\s、。,の]{0,8}(?:職|業|系|担当|エンジニア|デザイナー|経営者|社長|営業|マーケター|士)(?![一-龥])/u,
  /趣味(?:は|が)[^\s、。,]{1,12}/u,
  /[^\s、。,]{1,8}出身/u,
  /(?:話が|気が)合(?:う|った)/u,
];

export function normalize(text: string): string {
  return text.normalize('NFKC');
}

/** Names with an honorific in a message, in order, without duplicates. */
export function findNames(text: string): string[] {
  const names: string[] = [];
  for (const match of normalize(text).matchAll(NAME)) {
    const bare = match[1]!;
    const full = match[0];
    if (NOT_A_NAME.test(bare) || names.includes(full)) continue;
    names.push(full);
  }
  return names;
}

/** The stage a message reports for a contact, if any (the furthest one mentioned). */
export function stageCue(text: string): Stage | undefined {
  const t = normalize(text);
  for (const [stage, cue] of STAGE_CUES) if (cue.test(t)) return stage;
  return undefined;
}

/**
 * Reads a message that tells about a person ("IT交流会で田中さんと名刺交換した、同い年の営業職").
 * Returns nothing for questions or messages without a named person.
 */
export function readContactMention(text: string): ContactMention | undefined {
  const t = normalize(text);
  const [name] = findNames(t);
  if (!name) return undefined;
  const mention: ContactMention = { name, facts: [] };
  const place = EVENT_PLACE.exec(t);
  if (place) mention.metAt = place[1]!.replace(/^(?:この前の|先日の|昨日の|今日の|先週の|この間の)/u, '');
  const stage = stageCue(t);
  if (stage) mention.stage = stage;
  if (MARRIED.test(t) && !/(?:か|かどうか)(?:分から|わから|知りたい|確かめ)/u.test(t)) mention.marital = 'married';
  else if (SINGLE.test(t)) mention.marital = 'single';
  const rest = t.replace(name, '');
  for (const pattern of FACT_PATTERNS) {
    const found = pattern.exec(rest);
    if (found && !mention.facts.includes(found[0])) mention.facts.push(found[0].replace(/^[のがはと]/u, ''));
  }
  return mention;
}

/** Whether a message tells news about a person (to record), rather than asking about them. */
export function isContactReport(text: string): boolean {
  const mention = readContactMention(text);
  if (!mention) return false;
  const asks = /[?？]|には|どう(?:すれば|したら|やって)|いい(?:か|の)|方法|コツ|教えて|誘(?:う|い)たい/u.test(normalize(text));
  return !asks && (mention.stage !== undefined || mention.metAt !== undefined || mention.facts.length > 0 || mention.marital !== undefined);
}

const stageIndex = (stage: Stage) => STAGES.indexOf(stage);

/** Merges a mention into the record: stages only move forward, facts accumulate (bounded). */
export function applyMention(existing: Contact | undefined, mention: ContactMention, now: number): Contact {
  const base: Contact = existing ?? { name: mention.name, facts: [], stage: '名刺交換', marital: 'unknown', createdAt: now, updatedAt: now };
  const stage = mention.stage && stageIndex(mention.stage) > stageIndex(base.stage) ? mention.stage : base.stage;
  const facts = [...base.facts, ...mention.facts.filter((f) => !base.facts.includes(f))].slice(-8);
  return {
    ...base,
    metAt: mention.metAt ?? base.metAt,
    facts,
    stage,
    marital: mention.marital ?? base.marital,
    updatedAt: now,
  };
}

/** Finds the contact a message talks about, by name with or without the honorific. */
export function findContact(contacts: readonly Contact[], text: string): Contact | undefined {
  const t = normalize(text);
  for (const contact of contacts) {
    const bare = contact.name.replace(new RegExp(`${HONORIFIC}$`, 'u'), '');
    if (t.includes(contact.name) || (bare.length >= 2 && t.includes(bare))) return contact;
  }
  return undefined;
}

export function describeContact(contact: Contact): string {
  const parts = [contact.metAt ? `${contact.metAt}で知り合った` : undefined, ...contact.facts].filter(Boolean);
  const marital = contact.marital === 'married' ? '既婚' : contact.marital === 'single' ? '独身' : undefined;
  return `${contact.name}（${[...parts, marital].filter(Boolean).join('、') || '詳細はまだ聞いていません'}／いまの段階：${contact.stage}）`;
}
