// Judging one invitation: normalise, read the facts (date, venue, fee, organiser), run the flag
// table, add up the weights and turn the sum into a level. Pure functions over plain data.
import { type FlagRule, PROHIBITION_OR_WARNING, flagRules } from './flags.ts';
import type { Flag, Verdict, VerdictLevel } from './types.ts';

export type ChunkSources = ReadonlyMap<string, { title: string; source: string }>;

/**
 * The scoring rules, in one place.
 * risk = Σ(red weights) − Σ(green weights).
 * - likely-trap: any strong red flag, or risk ≥ likelyTrapAt.
 * - legit: risk ≤ legitAtMost and no red flag weighing seriousRedWeight or more.
 * - caution: everything else (including an invitation with no flags at all: no news is not good news).
 */
export const SCORING = {
  likelyTrapAt: 3,
  legitAtMost: -3,
  seriousRedWeight: 2,
} as const;

/** Longest evidence quote, in characters. */
export const EVIDENCE_MAX = 40;

const LEVEL_ORDER: readonly VerdictLevel[] = ['legit', 'caution', 'likely-trap'];

export function levelRank(level: VerdictLevel): number {
  return LEVEL_ORDER.indexOf(level);
}

export function higherLevel(a: VerdictLevel, b: VerdictLevel): VerdictLevel {
  return levelRank(a) >= levelRank(b) ? a : b;
}

// ---------------------------------------------------------------- normalisation

/** NFKC folds full-width digits, letters, ￥ and ㈱; we also unify dashes and line ends. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\r\n?/g, '\n')
    .replace(/[‐‑‒–—―ー](?=\d)/g, '-')
    .replace(/[ \t\u3000]+/g, ' ')
    .trim();
}

// ---------------------------------------------------------------- fees

export type FeeFacts = {
  /** What a general participant pays for the event, in yen (the highest per-event price found). */
  eventFee?: number;
  /** Annual or monthly membership, in yen, when stated. */
  membershipFee?: number;
  /** The words the event fee was read from. */
  evidence?: string;
};

type MoneyMention = { yen: number; index: number; length: number };

const KANJI_DIGIT: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

function moneyMentions(text: string): MoneyMention[] {
  const mentions: MoneyMention[] = [];
  const push = (yen: number, m: RegExpExecArray) => mentions.push({ yen, index: m.index, length: m[0].length });
  for (const m of text.matchAll(/(\d+)万(\d)千円/g)) push(Number(m[1]) * 10000 + Number(m[2]) * 1000, m);
  for (const m of text.matchAll(/(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(万|千)?\s*円/g)) {
    if (mentions.some((x) => x.index <= m.index && m.index < x.index + x.length)) continue;
    const base = Number(m[1]!.replace(/,/g, ''));
    const unit = m[2] === '万' ? 10000 : m[2] === '千' ? 1000 : 1;
    push(base * unit, m);
  }
  for (const m of text.matchAll(/¥\s*(\d{1,3}(?:,\d{3})+|\d+)/g)) push(Number(m[1]!.replace(/,/g, '')), m);
  for (const m of text.matchAll(/(?<![\d,.])([一二三四五六七八九])?(千|万)円/g)) {
    push((m[1] ? KANJI_DIGIT[m[1]]! : 1) * (m[2] === '万' ? 10000 : 1000), m);
  }
  for (const m of text.matchAll(/ワンコイン/g)) push(500, m);
  for (const m of text.matchAll(/無料|タダ/g)) {
    const around = text.slice(m.index, m.index + 8);
    if (/無料(Wi-?Fi|駐車|相談|託児|公開)/i.test(around)) continue;
    push(0, m);
  }
  return mentions;
}

const FEE_WORD = /(?<![年月])(参加費|会費|(?<!初期)費用|料金|受講料|入場料|参加料|チケット|ドリンク代|飲食代|会場費|ビジター|ゲスト|ドロップイン|男性|女性|一般|会員|学生)|参加|無料|ワンコイン/g;
const MEMBERSHIP_WORD = /年会費|月会費|入会金/;
const NOT_A_FEE = /月収|年収|稼|収入|報酬|キャッシュバック|バック|利益|配当|入る|もらえ|紹介/;

/** Reads the event fee from the text: a yen amount counts as a fee only when a fee word leads up to it. */
export function readFees(raw: string): FeeFacts {
  const text = normaliseText(raw);
  const facts: FeeFacts = {};
  for (const mention of moneyMentions(text)) {
    const lineStart = text.lastIndexOf('\n', mention.index - 1) + 1;
    const before = text.slice(Math.max(lineStart, mention.index - 24), mention.index);
    const word = text.slice(mention.index, mention.index + mention.length);
    const selfDescribing = /ワンコイン|無料|タダ/.test(word);
    const feeWords = [...before.matchAll(FEE_WORD)];
    const lastFeeWord = feeWords.at(-1);
    const membership = [...before.matchAll(new RegExp(MEMBERSHIP_WORD.source, 'g'))].at(-1);
    const lead = lastFeeWord && (!membership || lastFeeWord.index > membership.index) ? lastFeeWord : membership;
    if (!selfDescribing && !lead) continue;
    const between = lead ? before.slice(lead.index + lead[0].length) : '';
    if (NOT_A_FEE.test(between) || NOT_A_FEE.test(before.slice(-6))) continue;
    // "通常10,000円→今回だけ無料": the crossed-out price is not what is paid.
    if (/通常|定価|本来/.test(before.slice(-8)) && /^\s*(→|->|⇒)/.test(text.slice(mention.index + mention.length))) continue;
    if (lead && lead === membership) {
      facts.membershipFee = Math.max(facts.membershipFee ?? 0, mention.yen);
      continue;
    }
    if (facts.eventFee === undefined || mention.yen > facts.eventFee) {
      facts.eventFee = mention.yen;
      const end = mention.index + mention.length;
      facts.evidence = lead
        ? text.slice(Math.max(lineStart, end - EVIDENCE_MAX, mention.index - before.length + lead.index), end).trim()
        : quote(text, mention.index, mention.length);
    }
  }
  return facts;
}

// ---------------------------------------------------------------- facts

export type InvitationFacts = {
  hasDate: boolean;
  hasVenue: boolean;
  venueWithheld: boolean;
  hasOrganiser: boolean;
  fees: FeeFacts;
  venueEvidence?: string;
};

const DATE = /\d{1,2}月\d{1,2}日|(?<!\d)\d{1,2}\/\d{1,2}(?!\d)|\d{4}年\d{1,2}月|毎(週|月)|第\d[月火水木金土日]曜|[月火水木金土日]曜|\([月火水木金土日]\)|(?<!\d)\d{1,2}:\d{2}|(?<!\d)\d{1,2}時|明日|明後日|今週末/;
const VENUE_LABEL = /(会場|場所|開催場所|住所)[:：]\s*(\S[^\n]{0,30})/;
const VENUE_NOUN = /[^\s、。,「」()（）]{0,12}(ホテル|会館|センター|ホール|会議室|研修室|洋室|ルーム|ラウンジ|カフェ|レストラン|ダイニング|バー|オフィス|本社|教室|大教室|スペース|河川敷|公園|BBQ場|Zoom|オンライン|記念館|\d+階|\d+F)/i;
const VENUE_WITHHELD = /(申し?込み?|申込|お申込み|お申し込み|参加者|参加確定)(の)?(後|あと|の方|者)?(に|へ)?(のみ|だけ)?(に)?(ご案内|お知らせ|送|連絡|伝え)|場所は[^。\n]{0,14}(申し込|後で|あとで|決ま|送る|教える)|詳細は申(し)?込(み)?後/;
const ORGANISER = /(主催|主宰|運営|事務局|共催|幹事)|株式会社|有限会社|合同会社|\(株\)|商工会議所|商工会|青年会議所|同友会|法人|協会|組合|財団|支援拠点|キャリアセンター|同窓会|校友会|工業会|ロータリー|ライオンズ/;

export function readFacts(text: string): InvitationFacts {
  const label = VENUE_LABEL.exec(text);
  const noun = VENUE_NOUN.exec(text);
  const venueMatch = label ?? noun;
  const facts: InvitationFacts = {
    hasDate: DATE.test(text),
    hasVenue: venueMatch !== null,
    venueWithheld: VENUE_WITHHELD.test(text),
    hasOrganiser: ORGANISER.test(text),
    fees: readFees(text),
  };
  if (venueMatch) facts.venueEvidence = venueMatch[0].trim().slice(0, 24);
  return facts;
}

// ---------------------------------------------------------------- evidence

/** Characters of context kept on each side of the matched words. */
const EVIDENCE_CONTEXT = 8;

/** The matched words with a little of their sentence around them, at most EVIDENCE_MAX characters. */
export function quote(text: string, index: number, length: number): string {
  const start = Math.max(0, index);
  const core = Math.min(length, EVIDENCE_MAX);
  const boundary = /[。！？!?\n]/;
  const pad = Math.min(EVIDENCE_CONTEXT, Math.floor((EVIDENCE_MAX - core) / 2));
  let from = start;
  while (from > 0 && start - from < pad && !boundary.test(text[from - 1]!)) from -= 1;
  let to = start + core;
  while (to < text.length && to - (start + core) < pad && !boundary.test(text[to]!)) to += 1;
  if (to < text.length && /[。！？!?]/.test(text[to]!) && to - from < EVIDENCE_MAX) to += 1;
  return text.slice(from, to).trim();
}

function sentenceAround(text: string, index: number, length: number): string {
  const boundary = /[。！？!?\n]/;
  let from = index;
  while (from > 0 && !boundary.test(text[from - 1]!)) from -= 1;
  let to = index + length;
  while (to < text.length && !boundary.test(text[to]!)) to += 1;
  return text.slice(from, to);
}

function globalise(pattern: RegExp): RegExp {
  return new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
}

function lineAround(text: string, index: number): string {
  const from = text.lastIndexOf('\n', index - 1) + 1;
  const to = text.indexOf('\n', index);
  return text.slice(from, to === -1 ? text.length : to);
}

function firstMatch(
  text: string,
  patterns: readonly RegExp[],
  negatable: boolean,
  preferLinesWith?: RegExp,
): RegExpExecArray | undefined {
  let fallback: RegExpExecArray | undefined;
  for (const pattern of patterns) {
    for (const m of text.matchAll(globalise(pattern))) {
      if (negatable && PROHIBITION_OR_WARNING.test(sentenceAround(text, m.index, m[0].length))) continue;
      if (!preferLinesWith || preferLinesWith.test(lineAround(text, m.index))) return m as RegExpExecArray;
      fallback ??= m as RegExpExecArray;
    }
  }
  return fallback;
}

function feeMeets(fee: number | undefined, condition: { below?: number; atLeast?: number }): boolean {
  if (fee === undefined) return false;
  if (condition.below !== undefined && !(fee < condition.below)) return false;
  if (condition.atLeast !== undefined && !(fee >= condition.atLeast)) return false;
  return true;
}

/** Evidence when the rule fires, undefined when it does not. */
function evaluateRule(rule: FlagRule, text: string, facts: InvitationFacts): string | undefined {
  const m = rule.match;
  switch (m.by) {
    case 'patterns': {
      if (m.fee && !feeMeets(facts.fees.eventFee, m.fee)) return undefined;
      const hit = firstMatch(text, m.patterns, m.negatable ?? false, m.preferLinesWith);
      if (!hit) return undefined;
      let evidence = quote(text, hit.index, hit[0].length);
      if (m.alsoNeeds) {
        const also = firstMatch(text, m.alsoNeeds, m.negatable ?? false);
        if (!also) return undefined;
        if (!evidence.includes(also[0]) && evidence.length + also[0].length + 3 <= EVIDENCE_MAX) {
          evidence = `${evidence} … ${also[0]}`;
        }
      }
      return evidence;
    }
    case 'fee': {
      if (!feeMeets(facts.fees.eventFee, m)) return undefined;
      if (m.alsoNeeds && !firstMatch(text, m.alsoNeeds, false)) return undefined;
      return facts.fees.evidence ?? `${facts.fees.eventFee}円`;
    }
    case 'facts': {
      if (m.check === 'details-clear') {
        const clear = facts.hasDate && facts.hasVenue && !facts.venueWithheld && facts.fees.eventFee !== undefined;
        if (!clear) return undefined;
        const fee = facts.fees.evidence ?? '';
        const venue = (facts.venueEvidence ?? '').slice(0, Math.max(8, EVIDENCE_MAX - fee.length - 3));
        return [venue, fee].filter(Boolean).join(' / ').slice(0, EVIDENCE_MAX);
      }
      const stated = [facts.hasDate, facts.hasVenue && !facts.venueWithheld, facts.fees.eventFee !== undefined, facts.hasOrganiser];
      if (stated.filter(Boolean).length > 1) return undefined;
      const missing = [
        facts.hasDate ? null : '日時',
        facts.hasVenue && !facts.venueWithheld ? null : '会場',
        facts.fees.eventFee !== undefined ? null : '参加費',
        facts.hasOrganiser ? null : '主催',
      ].filter(Boolean);
      return `（${missing.join('・')}の記載なし）`;
    }
  }
}

// ---------------------------------------------------------------- verdict

export type JudgeOptions = {
  /** The rule table; defaults to the shipped one (tests may pass a variant). */
  rules?: readonly FlagRule[];
};

export function riskScore(flags: readonly Flag[]): number {
  return flags.reduce((sum, flag) => sum + (flag.kind === 'red' ? flag.weight : -flag.weight), 0);
}

/** The level the rules alone give; an LLM may raise it but never lower it. */
export function levelFor(flags: readonly Flag[], rules: readonly FlagRule[] = flagRules): VerdictLevel {
  const strongIds = new Set(rules.filter((r) => r.strong).map((r) => r.id));
  if (flags.some((f) => f.kind === 'red' && strongIds.has(f.id))) return 'likely-trap';
  const risk = riskScore(flags);
  if (risk >= SCORING.likelyTrapAt) return 'likely-trap';
  const seriousRed = flags.some((f) => f.kind === 'red' && f.weight >= SCORING.seriousRedWeight);
  if (risk <= SCORING.legitAtMost && !seriousRed) return 'legit';
  return 'caution';
}

/** Every flag the table raises on this invitation, reds first, each with its evidence. */
export function findFlags(text: string, chunkSources: ChunkSources, rules: readonly FlagRule[] = flagRules): Flag[] {
  const normalised = normaliseText(text);
  const facts = readFacts(normalised);
  const fired = rules
    .map((rule) => ({ rule, evidence: evaluateRule(rule, normalised, facts) }))
    .filter((x): x is { rule: FlagRule; evidence: string } => x.evidence !== undefined);
  const superseded = new Set(fired.flatMap((x) => x.rule.supersedes ?? []));
  const flags: Flag[] = [];
  for (const { rule, evidence } of fired) {
    if (superseded.has(rule.id)) continue;
    flags.push({
      kind: rule.kind,
      id: rule.id,
      label: rule.label,
      evidence,
      weight: rule.weight,
      chunkId: rule.chunkId,
      source: chunkSources.get(rule.chunkId)?.source ?? rule.chunkId,
    });
  }
  return flags.sort((a, b) => (a.kind === b.kind ? b.weight - a.weight : a.kind === 'red' ? -1 : 1));
}

export function judgeInvitation(text: string, chunkSources: ChunkSources, options: JudgeOptions = {}): Verdict {
  const rules = options.rules ?? flagRules;
  const flags = findFlags(text, chunkSources, rules);
  const level = levelFor(flags, rules);
  return { level, score: riskScore(flags), flags, advice: adviceFor(level, flags) };
}

// ---------------------------------------------------------------- recognising an invitation

/** Points at or above which a text is treated as an invitation. */
export const INVITATION_THRESHOLD = 3;

const INVITE_VERB =
  /(来|行|参加し|寄|顔(を)?出し|のぞい|覗い)て?み(ない|ませんか)|一緒に[^。\n]{0,12}(ない|ませんか|しよう|行こう)\?*|申し?込ま(ない|ませんか)|来ない|来る\?|来ませんか|来られ(ますか|る\?)|行かない|行きませんか|行こう|参加しませんか|参加しない\?|ご参加ください|おいで|来てください|来て(ね|よ|って|と(言|誘))|一緒に(来|行)|どう\?|どうですか|会おう|会いませんか|会わない\?|お茶しない|お茶しませんか|ご飯(行か|でも)|(お話し|話)(でき|し)ませんか|入らない|入りませんか|入りなよ|連れて(って|いって|行って)|持って(きて|来て)ね|招待|参加者?募集|空けと(いて|いてね)|空けておいて|会わせたい|紹介したい(人|方)|お申込み|お申し込み|申込[:：]|ビジター募集|ゲスト見学/;
const RELAYED_INVITE = /誘われ|誘ってき|呼び出され|呼ばれ|(会う|行く)ことに(なった|なって)|誘いが|案内(が)?来|って来た|(LINE|メール|DM|メッセージ)が?来/i;
const LISTING_LABEL = /(^|\n)\s*[【\[]?(日時|開催日|日程|会場|場所|参加費|会費|費用|主催|運営|定員|対象|申込|お申込み|内容|プログラム|参加資格|講師)[】\]]?\s*[:：]/g;
const EVENT_NOUN = /交流会|カフェ会|朝活|セミナー|勉強会|説明会|名刺交換会|BBQ|バーベキュー|飲み会|パーティ|食事会|お茶会|例会|ミートアップ|オフ会|読書会|講座|イベント|ランチ会|朝食会|ディナー|集まり|サークル|コミュニティ/i;
const ASKING_FOR_HELP = /どう(すれば|したら|やって)|教えて(ください|下さい|ほしい|欲しい|くれる\?|!|\?|$)|ですか\?|べき|いい\?|かな\?|って何|とは\?|\?$|コツ|方法は/;

/** How invitation-like a text is, in points (see INVITATION_THRESHOLD). */
export function invitationScore(text: string): number {
  const t = normaliseText(text);
  let points = 0;
  const verb = INVITE_VERB.test(t);
  if (verb) points += 3;
  else if (RELAYED_INVITE.test(t)) points += 2;
  const labels = new Set([...t.matchAll(LISTING_LABEL)].map((m) => m[2]));
  points += Math.min(labels.size, 4);
  if (EVENT_NOUN.test(t)) points += 1;
  if (DATE.test(t)) points += 1;
  if (readFees(t).eventFee !== undefined) points += 1;
  if (/https?:\/\//.test(t)) points += 1;
  // A forwarded pitch is worth judging even when nobody wrote "来ない？".
  if (flagRules.some((rule) => rule.strong && rule.match.by === 'patterns' && rule.match.patterns.some((p) => p.test(t)))) points += 2;
  // Questions quoted from the invitation (「幸せって何だと思う？」) are not the user asking for help.
  const unquoted = t.replace(/「[^」]*」|『[^』]*』|"[^"]*"/g, '');
  if (!verb && labels.size < 2 && ASKING_FOR_HELP.test(unquoted)) points -= 2;
  return points;
}

export function looksLikeInvitation(text: string): boolean {
  return invitationScore(text) >= INVITATION_THRESHOLD;
}

// ---------------------------------------------------------------- advice

const ADVICE = {
  askInWriting: '主催者・会社名・会の目的を、先にLINEやメールなど文字で確認しましょう。',
  neverSignOnSpot: 'その場で契約・入会・サインはしないこと。印鑑や通帳、カードも持っていかないのが安全です。',
  neverBorrow: 'お金を借りてまで始める話には乗らないでください。「すぐ取り返せる」は当てになりません。',
  declineClearly: '断るときは理由を長く説明せず、「参加しません」とはっきり伝えれば大丈夫です。',
  coolingOff: '契約してしまっても、マルチ商法なら書面を受け取ってから20日間はクーリング・オフできます（書面かメールで通知し、控えを残す）。',
  hotline: '不安なときは消費者ホットライン「188」へ。近くの消費生活センターにつながります。',
  checkPage: '公式ページや過去の開催レポートで、主催者と会の中身を調べておきましょう。',
  noSecondVenue: '会のあと「別の場所」「いつもの所」への移動には付いていかないこと。',
  leaveIfPitched: '売り込みや勧誘が始まったら、途中で帰ってもかまいません。',
  soundButStayAlert: '基本的には参加してよさそうです。それでも会場で勧誘されたら、その場で決めずに運営へ伝えましょう。',
  prepareGoal: '名刺は多めに用意し、誰とどんな話をしたいか決めておくと収穫が大きくなります。',
  dateShoho: '恋愛感情につけこんで結ばされた契約は、消費者契約法で取り消せる場合があります。',
  noContactOnSpot: '正体の分からない団体には、その場で連絡先や住所を渡さないようにしましょう。',
  noMoneyToSnsContacts: 'SNSやアプリで知り合った相手には、お金を送ったり投資を任せたりしないでください。',
} as const;

/** Next steps for the user, most important first. */
export function adviceFor(level: VerdictLevel, flags: readonly Flag[]): string[] {
  const has = (id: string) => flags.some((f) => f.id === id);
  const advice: string[] = [];
  if (level === 'legit') {
    advice.push(ADVICE.soundButStayAlert, ADVICE.prepareGoal);
    if (flags.some((f) => f.kind === 'red')) advice.push(ADVICE.checkPage);
    return advice;
  }
  if (level === 'likely-trap') {
    advice.push(ADVICE.neverSignOnSpot);
    if (has('borrowing') || has('sign-pressure') || has('income-promise')) advice.push(ADVICE.neverBorrow);
    if (has('romance-purchase')) advice.push(ADVICE.dateShoho);
    if (has('sns-money-talk')) advice.push(ADVICE.noMoneyToSnsContacts);
    if (has('religious-opener')) advice.push(ADVICE.noContactOnSpot);
    advice.push(ADVICE.askInWriting, ADVICE.declineClearly, ADVICE.coolingOff, ADVICE.hotline);
    return advice;
  }
  advice.push(ADVICE.askInWriting, ADVICE.checkPage);
  if (has('religious-opener')) advice.push(ADVICE.noContactOnSpot);
  advice.push(ADVICE.neverSignOnSpot, ADVICE.noSecondVenue, ADVICE.leaveIfPitched, ADVICE.hotline);
  return advice;
}
