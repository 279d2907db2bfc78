// Casual LINE wording mapped onto the words the knowledge base is written in. When a query
// contains one of an entry's `casual` words, the entry's `canonical` words are searched too
// (with a lower weight than the user's own words, see retrieval.ts).
//
// The mapping is deliberately one-way and narrow, and an entry is skipped when the query
// already uses one of its canonical words. Both were measured: expanding every query with
// broad groups (交流会 → 異業種交流会, 名刺交換会, …) or re-adding a group the user had already
// named (マルチ → ネットワークビジネス, 連鎖販売) pushed the right chunk down, because the added
// words outweighed what was actually asked (「マルチの勧誘の断り方」 then found the MLM law
// chunk before the one on saying no). Canonical words should be specific to one topic.
import { normalizeText } from './tokenize.ts';

export type SynonymEntry = {
  /** The words people actually type; any one of them (as a substring) triggers the entry. */
  casual: readonly string[];
  /** How the knowledge base says it; a query that already has one of these is left alone. */
  canonical: readonly string[];
};

export const synonymEntries: readonly SynonymEntry[] = [
  // "Is this dodgy?"
  {
    casual: ['ヤバ', 'やば', 'あやし', 'うさんくさ', '胡散臭', '危な', '危険', '大丈夫?', '大丈夫かな', 'きな臭', '裏あり', '罠'],
    canonical: ['怪しい', '警戒'],
  },
  { casual: ['キモい', 'きもい', 'キモ', '嫌悪感', '引いて', 'ドン引き', 'モヤモヤ', '無理'], canonical: ['気持ち悪い', '違和感'] },
  // Multi-level marketing
  {
    casual: ['ネズミ講', 'ねずみ講', 'まるち', 'ネットワーク系', '権利収入', 'mlm'],
    canonical: ['マルチ', 'ネットワークビジネス', '連鎖販売'],
  },
  // Eating and drinking together
  { casual: ['ご飯', 'ごはん', 'メシ', '飯', '一杯', '飲みに', '呑み', 'ランチ', '食事', '合コン'], canonical: ['飲み会', '食事'] },
  // Being sold to
  {
    casual: ['勧誘', '営業', '売り込み', 'セールス', '押し売り', '売りつけ', '勧め', 'すすめ', '買わされ', '売り込ま', '売られ', '営業かけ'],
    canonical: ['勧誘', '営業', '売り込み'],
  },
  // The kinds of products typically pushed at these events, which the knowledge calls 商材
  {
    casual: ['保険', '水素水', '浄水器', 'サプリ', '健康食品', '化粧品', '投資用マンション', '不動産投資', '情報商材', '教材', '自己啓発セミナー', '英会話', '美容'],
    canonical: ['商材', '商品', '売り込み'],
  },
  // Web and marketing services, the staple offer at networking events
  {
    casual: ['デザイナー', 'ホームページ', 'hp', 'サイト制作', 'web制作', 'ウェブ制作', 'lp', '広告運用', 'seo', 'マーケ', 'コンサル', '集客'],
    canonical: ['ホームページ制作', '集客', 'サービス'],
  },
  { casual: ['発注', '依頼', '頼む', '頼も', '任せ', '外注'], canonical: ['依頼'] },
  // Married contacts
  {
    casual: ['既婚', '結婚して', '指輪', '奥さん', '旦那', '嫁', '独身', 'ヤリモク', 'やりもく', '妻子', '左手'],
    canonical: ['既婚', '結婚', '指輪'],
  },
  // Early-morning clubs
  { casual: ['朝活', '早朝', '朝会', '朝の会', '早起き', '朝早', '朝6時', '朝7時', 'モーニング'], canonical: ['朝活', '早朝', '朝会'] },
  // Chat groups
  {
    casual: ['グループライン', 'グルライン', 'lineグループ', 'グループline', 'グループチャット', 'オープンチャット', 'オプチャ', 'スタンプ', '通知'],
    canonical: ['lineグループ', '通知'],
  },
  // Undoing a contract
  {
    casual: ['クーリングオフ', 'クーリング・オフ', '解約', '取り消', '取消', 'キャンセル', 'やめたい', '辞めたい', '返金', '解除', '契約しちゃ', 'サインしちゃ', '申し込んじゃ'],
    canonical: ['クーリングオフ', '解約', '取り消し'],
  },
  { casual: ['中途解約', '途中解約', '途中でやめ', '途中で辞め', '退会', '期間過ぎ', '期限過ぎ', '過ぎちゃ', '在庫', '返品'], canonical: ['中途解約', '退会'] },
  // Where to get help
  {
    casual: ['188', '消費者センター', '消費生活センター', '消費者ホットライン', '国民生活センター', '相談窓口', 'どこに相談', '誰に相談', '通報', '警察'],
    canonical: ['188', '消費生活センター', '相談'],
  },
  // Saying no
  {
    casual: ['断る', '断り', '断れ', 'ことわ', '拒否', 'ノー', 'no', 'いらない', '興味ない', '角立て', '角を立て', 'かわす', 'かわし', '返事', '返し方', '切り抜け', 'あしらい', '逃げ'],
    canonical: ['断る', '断り方'],
  },
  // Romance
  {
    casual: ['恋愛', '出会い', '口説', '彼氏', '彼女', '付き合う', '付き合っ', '付き合え', '付き合いたい', 'デート', '好きにな', '脈あり', '婚活', '恋活', '恋人', '異性'],
    canonical: ['恋愛', '出会い'],
  },
  { casual: ['マッチングアプリ', '出会い系', 'tinder', 'ペアーズ', 'pairs', 'タップル', 'アプリで', 'アプリだと'], canonical: ['マッチングアプリ', '出会い系'] },
  // Money signs
  {
    casual: ['紹介料', '報酬', 'キックバック', '紹介するだけ', '紹介したら', '紹介すると', '誘えば', '誘うほど', '人を誘う'],
    canonical: ['紹介料', '報酬'],
  },
  { casual: ['借金', 'ローン', '借りて', '借りろ', '借りれば', '借りな', '消費者金融', 'キャッシング', '借入'], canonical: ['借金', 'ローン'] },
  {
    casual: ['儲か', 'もうか', '稼げ', 'かせげ', '楽して', '不労所得', '今だけ', '今しか', 'あなただけ', '君だけ', 'うますぎ', 'おいしい話', '絶対', '確実'],
    canonical: ['儲かる', '稼げる', '今だけ', 'あなただけ'],
  },
  { casual: ['投資', 'fx', 'ビットコイン', '仮想通貨', '暗号資産', '自動売買', 'バイナリー', '情報商材', '副業'], canonical: ['投資', '暗号資産', '副業'] },
  { casual: ['宗教', 'カルト', '人生の意味', '生きる意味', '布教', '正体'], canonical: ['宗教', '正体'] },
  // Lure lines
  { casual: ['会わせ', '会ってほしい', 'すごい人', '成功者', '成功してる人', 'メンター', '師匠', 'いい話'], canonical: ['成功者', '紹介したい'] },
  { casual: ['bbq', 'バーベキュー', 'ホームパーティー', 'ホムパ', 'ボウリング', 'お茶会'], canonical: ['bbq', 'バーベキュー', 'ホームパーティー'] },
  // Ideas and competitors
  { casual: ['パクられ', 'パクる', '盗まれ', '盗む', '真似', 'まねされ', 'アイディア', 'アイデア', '企画', 'ビジネスプラン'], canonical: ['アイデア', '競合'] },
  // People at events
  { casual: ['えらい人', '偉い人', 'お偉いさん', 'ceo', 'キーマン', '決定権', '役員', '重役', '決裁'], canonical: ['決裁', '経営者'] },
  { casual: ['自称', 'なんちゃって', '盛って', 'ハッタリ', '何してる人', '肩書'], canonical: ['肩書き', '経歴詐称'] },
  { casual: ['ノルマ', '紹介しないと', '紹介しなきゃ', '紹介出せ', 'リファラル', 'リファーラル'], canonical: ['紹介', 'ノルマ'] },
  { casual: ['カモ', '鴨', '新人', '情弱', '食い物', '狙われ', 'ベテラン', '古参'], canonical: ['カモ', '常連', '初心者'] },
  { casual: ['ピンハネ', '中抜き', '割に合わない', '元が取れ', 'ぼったく'], canonical: ['ぼったくり'] },
  { casual: ['年会費', '会費', '1万円', '高い会'], canonical: ['参加費', '年会費'] },
  // Getting closer to people met at events
  { casual: ['友だち', 'ともだち', '友達', '飲み友', '打ち解け', '距離を縮め', '距離縮め', '親しく', '仲良く'], canonical: ['友達', '仲良く'] },
  { casual: ['line交換', 'ライン交換', '連絡先', 'お礼', '何て送', 'なんて送', '返信', 'フォロー'], canonical: ['お礼', '連絡'] },
  { casual: ['私生活', '仕事以外', '仕事抜き', '趣味', '休日'], canonical: ['プライベート'] },
  { casual: ['迷惑', 'しつこ', 'ストーカー', '許可', 'パーミッション', '既読無視', '既読スルー', '送りすぎ', '何度も連絡', '連投'], canonical: ['許可', '迷惑'] },
  // Kinds of events
  { casual: ['カフェ', 'お茶', 'ゆるい', 'ゆるく', '気軽'], canonical: ['カフェ会', '気軽'] },
  { casual: ['社長ばかり', '社長ばっかり', '経営者の会', '経営者限定', '社長の会'], canonical: ['経営者交流会'] },
  { casual: ['意味ある', '意味ない', '無駄', '行く価値', '何のため', 'なんのため', 'メリット'], canonical: ['メリット', '意味'] },
  { casual: ['主催', '運営', '開催者', '誰がやって'], canonical: ['主催者'] },
  { casual: ['規約', 'お断り', '禁止', 'ルール'], canonical: ['ルール', '禁止'] },
  { casual: ['限定', '士業', 'it系', '人事', '人見知り'], canonical: ['業種別', 'テーマ別'] },
  {
    casual: ['インスタ', 'instagram', 'facebook', 'フェイスブック', 'twitter', 'ツイッター', 'キラキラ', '自慢', '金持ち'],
    canonical: ['sns', '金持ち'],
  },
];

/**
 * Words that on their own place a question in our domain (networking events and the traps
 * around them). A question naming one of them is judged in scope at a lower relevance, so
 * that 「マルチってぶっちゃけ犯罪？」 is answered although most of its words are slang.
 */
export const domainTerms: readonly string[] = [
  '交流会', '異業種', '名刺', '人脈', 'カフェ会', '朝活', '朝会', '例会', '交流団体',
  'マルチ', 'ネットワークビジネス', 'mlm', '連鎖販売', 'ねずみ講', 'ネズミ講', '勧誘', '売り込み',
  'クーリングオフ', '中途解約', '特商法', '特定商取引', 'デート商法', '消費生活センター', '消費者センター',
  '消費者ホットライン', '188', '合コン', '主催者', '参加費', '紹介料', 'セミナー',
];

type CompiledEntry = { words: RegExp[]; canonical: string[] };

/** ASCII needles must match whole words (no → ノー, not "note"); Japanese ones anywhere. */
function toMatcher(word: string): RegExp {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return /^[\x20-\x7e]+$/.test(word) ? new RegExp(`(?<![a-z0-9])${escaped}(?![a-z0-9])`) : new RegExp(escaped);
}

const compiledEntries: CompiledEntry[] = synonymEntries.map((entry) => ({
  words: entry.casual.map((word) => toMatcher(normalizeText(word))),
  canonical: entry.canonical.map(normalizeText),
}));

const domainMatchers = domainTerms.map((word) => toMatcher(normalizeText(word)));

/** Whether the query names our domain outright (see domainTerms). */
export function mentionsDomain(query: string): boolean {
  const normalized = normalizeText(query);
  return domainMatchers.some((word) => word.test(normalized));
}

/** Words to search alongside the query because of the casual words it contains. */
export function expandWithSynonyms(query: string): string[] {
  const normalized = normalizeText(query);
  const additions = new Set<string>();
  for (const entry of compiledEntries) {
    // A query that already uses the knowledge's own word for the idea needs no help, and
    // adding the rest of the group would only over-weight that one idea against the others.
    if (entry.canonical.some((word) => normalized.includes(word))) continue;
    if (!entry.words.some((word) => word.test(normalized))) continue;
    for (const word of entry.canonical) additions.add(word);
  }
  return [...additions];
}
