// The invitations behind test/fixtures/images/: what each image shows, how it is laid out, and the
// verdict its text deserves. scripts/render-images.ts draws them; index.json carries `text` (what a
// perfect reading would return, in reading order) and `label` for the eval.
//
// Written for this set: every organiser, venue and URL is invented (example.* domains, made-up
// names). Legit ones name an organiser, a date, a venue and a fee; traps promise income, offer a
// mentor, withhold the purpose or the venue, move people to a second place, or open with religion.

export type Label = 'legit' | 'caution' | 'likely-trap' | 'none';

/** A flyer: a headline, a few labelled facts, free lines; drawn in one of several layouts. */
export interface FlyerSource {
  kind: 'flyer';
  file: string;
  label: Exclude<Label, 'none'>;
  layout: 'headline' | 'columns' | 'boxes' | 'banner' | 'vertical';
  /** Colours: page background, ink, accent. */
  theme: { bg: string; ink: string; accent: string; font?: 'sans' | 'serif' };
  kicker?: string;
  headline: string;
  sub?: string;
  facts: [string, string][];
  lines: string[];
  footer?: string;
}

/** One message in a LINE talk screenshot. `me` is the person who took the screenshot. */
export interface ChatMessage {
  from: 'them' | 'me';
  text: string;
  time: string;
  /** In a group, the sender's display name shown above their bubble. */
  name?: string;
}

export interface ChatSource {
  kind: 'chat';
  file: string;
  label: Exclude<Label, 'none'>;
  /** The talk title: the friend's name, or a group's name with its member count. */
  title: string;
  day: string;
  avatar: string;
  group?: boolean;
  messages: ChatMessage[];
}

/** A phone photo of a flyer lying on a table: perspective, blur, noise and JPEG artefacts. */
export interface PhotoSource {
  kind: 'photo';
  file: string;
  label: Exclude<Label, 'none'>;
  flyer: Omit<FlyerSource, 'kind' | 'file' | 'label'>;
}

/** A picture with no invitation in it. */
export interface NoneSource {
  kind: 'none';
  file: string;
  label: 'none';
  scene: 'landscape' | 'sticker' | 'desk';
}

export type ImageSource = FlyerSource | ChatSource | PhotoSource | NoneSource;

export const SOURCES: ImageSource[] = [
  // ---------------------------------------------------------------- flyers: legit
  {
    kind: 'flyer',
    file: 'flyer-01-cci-mixer.png',
    label: 'legit',
    layout: 'headline',
    theme: { bg: '#ffffff', ink: '#1b2a41', accent: '#c8102e' },
    kicker: '第52回',
    headline: '若手経営者 異業種交流会',
    sub: '業種をこえて、地域の仲間をつくる夜',
    facts: [
      ['日時', '2025年11月14日（金）18:30〜20:30'],
      ['会場', '港北商工会議所 4階 大会議室'],
      ['参加費', '会員 3,000円／一般 5,000円'],
      ['主催', '港北商工会議所 青年部'],
    ],
    lines: ['名刺を多めにお持ちください', '保険・ネットワークビジネス等の勧誘目的の参加はお断りします'],
    footer: '申込 https://kohoku-cci.example.or.jp/event',
  },
  {
    kind: 'flyer',
    file: 'flyer-02-tech-study.png',
    label: 'legit',
    layout: 'columns',
    theme: { bg: '#f4f8ff', ink: '#14213d', accent: '#1f5fbf' },
    kicker: 'もくもく会＋LT',
    headline: 'TypeScript 勉強会 #38',
    sub: '初心者歓迎・発表者募集中',
    facts: [
      ['日時', '12月6日（土）13:00〜17:00'],
      ['会場', '渋谷区コワーキングスペース ハチ 3階'],
      ['参加費', '無料（懇親会は1,500円）'],
      ['定員', '40名'],
      ['主催', 'TS渋谷コミュニティ'],
      ['申込', 'connpass で受付中'],
    ],
    lines: ['LT枠は5分×6本', '懇親会は同じ会場で行います', '録画は後日公開します'],
  },
  {
    kind: 'flyer',
    file: 'flyer-03-morning-books.png',
    label: 'legit',
    layout: 'boxes',
    theme: { bg: '#fff8ec', ink: '#3b2a1a', accent: '#d9822b' },
    headline: '朝カフェ読書会',
    sub: 'vol.87 好きな本を一冊持ってきてください',
    facts: [
      ['日時', '毎月第2日曜 9:00〜10:30'],
      ['場所', 'カフェ・ポム 吉祥寺店 2階'],
      ['参加費', '500円（ドリンク代は各自）'],
      ['主催', '吉祥寺ブッククラブ'],
    ],
    lines: ['2017年から続く読書会です', '勧誘・営業目的の参加は禁止です'],
  },
  {
    kind: 'flyer',
    file: 'flyer-04-pitch-night.png',
    label: 'legit',
    layout: 'banner',
    theme: { bg: '#0f3d3e', ink: '#ffffff', accent: '#f2c14e' },
    kicker: '市の創業支援事業',
    headline: 'スタートアップ ピッチナイト',
    sub: '起業家5名の発表と交流会',
    facts: [
      ['日時', '2026年1月22日（木）19:00〜21:00'],
      ['会場', 'ちば創業プラザ 多目的ホール'],
      ['参加費', '1,000円'],
      ['主催', '千葉市 経済部 創業支援課'],
    ],
    lines: ['投資家・支援機関の方も参加します'],
    footer: 'お問い合わせ 043-000-1234',
  },
  {
    kind: 'flyer',
    file: 'flyer-05-women-lunch.png',
    label: 'legit',
    layout: 'boxes',
    theme: { bg: '#fdf0f4', ink: '#3a1f2b', accent: '#b83b6b' },
    headline: '女性起業家ランチ交流会',
    sub: '開業3年以内の方の情報交換',
    facts: [
      ['日時', '10月19日（日）12:00〜14:00'],
      ['会場', 'ホテル港の見える丘 1階 レストラン'],
      ['会費', '4,500円（ランチ代込み）'],
      ['主催', 'NPO法人 女性と仕事ネットワーク'],
    ],
    lines: ['自己紹介シートを当日お配りします', '物販・勧誘はご遠慮ください'],
  },
  {
    kind: 'flyer',
    file: 'flyer-06-shinkin-cards.png',
    label: 'legit',
    layout: 'headline',
    theme: { bg: '#ffffff', ink: '#102a43', accent: '#2a7f62' },
    kicker: 'お取引先さま向け',
    headline: 'ビジネス名刺交換会',
    sub: '地元企業どうしの新しいご縁を',
    facts: [
      ['日時', '2025年9月10日（水）15:00〜17:00'],
      ['会場', 'みどり信用金庫 本店 7階ホール'],
      ['参加費', '無料（事前申込制）'],
      ['主催', 'みどり信用金庫 地域振興部'],
    ],
    lines: ['参加企業一覧は前日にメールでお送りします'],
  },
  {
    kind: 'flyer',
    file: 'flyer-07-design-meetup.png',
    label: 'legit',
    layout: 'columns',
    theme: { bg: '#ffffff', ink: '#222222', accent: '#7048e8' },
    kicker: 'Design Meetup Tokyo',
    headline: 'デザイナー交流会 vol.12',
    sub: 'ポートフォリオを見せ合う夜',
    facts: [
      ['日時', '11月27日（木）19:30〜21:30'],
      ['会場', '代官山 スタジオ・ミル'],
      ['参加費', '2,000円（ドリンク付き）'],
      ['主催', 'デザインミートアップ東京 実行委員会'],
      ['申込', 'Peatix'],
    ],
    lines: ['ノートPCかタブレットをお持ちください', '撮影NGの方は受付でお知らせください'],
  },
  // ---------------------------------------------------------------- flyers: caution
  {
    kind: 'flyer',
    file: 'flyer-08-cheap-cafe.png',
    label: 'caution',
    layout: 'banner',
    theme: { bg: '#ffe8d6', ink: '#4a2c1d', accent: '#e85d04' },
    kicker: '誰でも参加OK',
    headline: '毎週開催 カフェ会',
    sub: '新しい仲間と出会える場所',
    facts: [
      ['日時', '毎週土曜 14:00〜'],
      ['場所', '新宿駅周辺のカフェ（参加者に連絡）'],
      ['参加費', '300円'],
      ['主催', 'カフェ会運営事務局'],
    ],
    lines: ['詳細はLINE登録のうえお問い合わせください', '夢を語り合える仲間が見つかります'],
  },
  {
    kind: 'flyer',
    file: 'flyer-09-party-free.png',
    label: 'caution',
    layout: 'headline',
    theme: { bg: '#1a1033', ink: '#ffffff', accent: '#ff4fa3' },
    kicker: 'SPECIAL NIGHT',
    headline: '異業種交流パーティー',
    sub: '経営者・医師・士業が集まる',
    facts: [
      ['日時', '12月13日（土）20:00〜'],
      ['会場', '六本木のラウンジ（申込後にご案内）'],
      ['参加費', '女性無料／男性8,000円'],
    ],
    lines: ['今だけ先着20名様限定', '人脈を広げたい方におすすめ'],
  },
  {
    kind: 'flyer',
    file: 'flyer-10-self-growth.png',
    label: 'caution',
    layout: 'boxes',
    theme: { bg: '#eef7ee', ink: '#1f3b1f', accent: '#3c8d2f' },
    headline: '人生を変える朝活',
    sub: '毎朝5時半から 成功者の習慣を学ぶ',
    facts: [
      ['日時', '平日毎朝 5:30〜7:00'],
      ['会場', '池袋のレンタルスペース'],
      ['参加費', '初回無料'],
      ['主催', '朝活コミュニティ ライズ'],
    ],
    lines: ['会社に頼らない生き方を考えよう', '欠席の場合は必ず連絡してください'],
  },
  // ---------------------------------------------------------------- flyers: likely-trap
  {
    kind: 'flyer',
    file: 'flyer-11-income-seminar.png',
    label: 'likely-trap',
    layout: 'headline',
    theme: { bg: '#111111', ink: '#ffffff', accent: '#ffd400' },
    kicker: '参加費無料',
    headline: '月収100万円を達成した秘密',
    sub: '20代で会社を辞めた成功者が語る',
    facts: [
      ['日時', '11月30日（日）14:00〜'],
      ['会場', '参加者にのみお知らせします'],
      ['定員', 'あなただけの特別枠 残り3名'],
    ],
    lines: ['誰でも確実に稼げる仕組みを公開', '怪しい話ではありません', 'お申込みは公式LINEから'],
  },
  {
    kind: 'flyer',
    file: 'flyer-12-mentor.png',
    label: 'likely-trap',
    layout: 'columns',
    theme: { bg: '#fffbe6', ink: '#3d2e00', accent: '#b8860b' },
    kicker: '自由な人生への第一歩',
    headline: '副業で自由を手に入れる会',
    sub: '年収3000万円のメンターを紹介します',
    facts: [
      ['日時', '毎週金曜 19:00〜'],
      ['場所', '恵比寿のカフェ'],
      ['参加費', '無料'],
      ['持ち物', '夢リスト'],
    ],
    lines: ['一次会のあとはメンターの家で二次会', '友達を紹介すると報酬があります', '詳しいことは会ってから話します'],
  },
  {
    kind: 'flyer',
    file: 'flyer-13-investment.png',
    label: 'likely-trap',
    layout: 'banner',
    theme: { bg: '#062c43', ink: '#ffffff', accent: '#4fc3f7' },
    kicker: 'お金の勉強会',
    headline: '資産を増やす投資セミナー',
    sub: '元本保証 月利5％の海外案件',
    facts: [
      ['日時', '12月7日（日）13:00〜'],
      ['会場', '銀座のセミナールーム'],
      ['参加費', '無料'],
    ],
    lines: ['必ず儲かる方法を特別に教えます', '紹介者には紹介料をお支払いします'],
  },
  // ---------------------------------------------------------------- flyers: vertical text
  {
    kind: 'flyer',
    file: 'flyer-14-vertical-keieisha.png',
    label: 'legit',
    layout: 'vertical',
    theme: { bg: '#fbf7ee', ink: '#1a1a1a', accent: '#8b1e1e', font: 'serif' },
    headline: '第十回 経営者交流会',
    facts: [
      ['日時', '十月二十日 午後六時から'],
      ['会場', '松本市中央公民館 三階'],
      ['会費', '三千円'],
      ['主催', '松本青年会議所'],
    ],
    lines: ['どなたでもご参加いただけます'],
  },
  {
    kind: 'flyer',
    file: 'flyer-15-vertical-deai.png',
    label: 'likely-trap',
    layout: 'vertical',
    theme: { bg: '#2b1d3a', ink: '#fdf6e3', accent: '#e0b0ff', font: 'serif' },
    headline: '人生を変える出会いの会',
    facts: [
      ['会場', '当日ご連絡します'],
      ['参加費', '無料'],
    ],
    lines: ['すごい人を紹介します', '内容は会ってからのお楽しみ', '幸せになる方法を一緒に学びましょう'],
  },
  {
    kind: 'flyer',
    file: 'flyer-16-vertical-kissa.png',
    label: 'caution',
    layout: 'vertical',
    theme: { bg: '#f3efe6', ink: '#2e2a24', accent: '#5b7553', font: 'serif' },
    headline: '喫茶店で語る夢の会',
    facts: [
      ['日時', '毎週日曜 朝七時'],
      ['会場', '駅前の喫茶店'],
      ['会費', '百円'],
    ],
    lines: ['主催者は当日ご紹介します', '将来の夢を語り合いましょう'],
  },
  // ---------------------------------------------------------------- chats: likely-trap
  {
    kind: 'chat',
    file: 'chat-01-success-cafe.png',
    label: 'likely-trap',
    title: 'ゆうき',
    day: '今日',
    avatar: '#f4a261',
    messages: [
      { from: 'them', text: '久しぶり！元気にしてる？', time: '19:02' },
      { from: 'me', text: '久しぶり！元気だよ', time: '19:10' },
      { from: 'them', text: '来週の土曜にカフェ会あるんだけど来ない？すごい成功者を紹介するよ', time: '19:11' },
      { from: 'them', text: '怪しい話じゃないから安心して！詳しくは会ってから話すね', time: '19:11' },
    ],
  },
  {
    kind: 'chat',
    file: 'chat-02-second-venue.png',
    label: 'likely-trap',
    title: 'たかし先輩',
    day: '11月8日(土)',
    avatar: '#2a9d8f',
    messages: [
      { from: 'them', text: 'この前の交流会楽しかったね！', time: '21:30' },
      { from: 'them', text: '実は今度メンターの人とご飯行くんだけど一緒にどう？', time: '21:31' },
      { from: 'me', text: 'メンターって何の？', time: '21:45' },
      { from: 'them', text: '人生の師匠みたいな人！ご飯のあといつもの場所で少し話そう', time: '21:46' },
    ],
  },
  {
    kind: 'chat',
    file: 'chat-03-religion.png',
    label: 'likely-trap',
    title: 'みさき',
    day: '今日',
    avatar: '#e76f51',
    messages: [
      { from: 'them', text: 'こんにちは！大学のサークルで一緒だったみさきです', time: '12:05' },
      { from: 'them', text: '今、幸せについて考える会に参加してて、すごく良い話が聞けるの', time: '12:06' },
      { from: 'me', text: 'どういう会なの？', time: '12:20' },
      { from: 'them', text: '先生のお話を聞く会だよ。アンケートに答えるだけでもいいから来てみて', time: '12:21' },
    ],
  },
  {
    kind: 'chat',
    file: 'chat-04-income.png',
    label: 'likely-trap',
    title: 'けんた',
    day: '10月30日(木)',
    avatar: '#264653',
    messages: [
      { from: 'them', text: '最近副業始めて月30万は固いんだよね', time: '22:14' },
      { from: 'them', text: '誰でも確実に稼げるから今度説明会来ない？', time: '22:14' },
      { from: 'me', text: 'どんな副業？', time: '22:30' },
      { from: 'them', text: 'それは会ってから！今月だけの特別なチャンスだよ', time: '22:31' },
    ],
  },
  {
    kind: 'chat',
    file: 'chat-05-referral.png',
    label: 'likely-trap',
    title: 'あや',
    day: '今日',
    avatar: '#a26769',
    messages: [
      { from: 'them', text: '週末ホームパーティーするから来て！', time: '18:40' },
      { from: 'them', text: 'そこで権利収入の話もするね。友達を紹介すると報酬が入る仕組みなの', time: '18:41' },
      { from: 'me', text: 'それってネットワークビジネス？', time: '18:55' },
      { from: 'them', text: '全然違うよ！ちゃんとしたビジネスだから', time: '18:56' },
    ],
  },
  {
    kind: 'chat',
    file: 'chat-06-linee.png',
    label: 'likely-trap',
    title: 'しょう',
    day: '今日',
    avatar: '#6d597a',
    messages: [
      { from: 'them', text: '投資の勉強会に招待できる枠があるんだけど興味ある？', time: '20:03' },
      { from: 'them', text: 'こっちのLINEで詳しく案内するね https://lin.ee/abc123x', time: '20:03' },
      { from: 'me', text: '参加費いくら？', time: '20:15' },
      { from: 'them', text: '今なら無料！あなただけに特別に教えるね', time: '20:16' },
    ],
  },
  {
    kind: 'chat',
    file: 'chat-07-group-hype.png',
    label: 'likely-trap',
    title: '夢を叶える会（48）',
    day: '今日',
    avatar: '#e9c46a',
    group: true,
    messages: [
      { from: 'them', name: 'なおみ', text: '明日の勉強会、新しい方も大歓迎です！', time: '08:12' },
      { from: 'them', name: 'リーダー', text: '参加した人はみんな人生が変わってます', time: '08:15' },
      { from: 'them', name: 'リーダー', text: '今週中に一人ずつ友達を誘ってくださいね。ノルマです', time: '08:16' },
      { from: 'me', text: '場所はどこですか？', time: '08:30' },
    ],
  },
  // ---------------------------------------------------------------- chats: caution
  {
    kind: 'chat',
    file: 'chat-08-vague-mixer.png',
    label: 'caution',
    title: 'だいすけ',
    day: '今日',
    avatar: '#577590',
    messages: [
      { from: 'them', text: '知り合いの知り合いが主催してる交流会があるんだけど行かない？', time: '17:20' },
      { from: 'me', text: 'どんな人が来るの？', time: '17:32' },
      { from: 'them', text: 'いろんな業種の人！参加費とかはまだ分からない', time: '17:35' },
    ],
  },
  {
    kind: 'chat',
    file: 'chat-09-morning.png',
    label: 'caution',
    title: 'りな',
    day: '11月2日(日)',
    avatar: '#43aa8b',
    messages: [
      { from: 'them', text: '毎週水曜の朝6時から朝活やってるの！', time: '07:45' },
      { from: 'them', text: '自己啓発の本を読んで意識高い人たちと話すよ。一回来てみない？', time: '07:46' },
      { from: 'me', text: '朝早いね笑', time: '08:10' },
    ],
  },
  {
    kind: 'chat',
    file: 'chat-10-bbq.png',
    label: 'caution',
    title: 'こうじ',
    day: '今日',
    avatar: '#f8961e',
    messages: [
      { from: 'them', text: '今度の日曜BBQ交流会あるよ！', time: '13:05' },
      { from: 'them', text: 'あとでちょっと話したいこともあるんだよね', time: '13:06' },
      { from: 'me', text: '何の話？', time: '13:20' },
      { from: 'them', text: 'それは当日のお楽しみ', time: '13:22' },
    ],
  },
  {
    kind: 'chat',
    file: 'chat-11-way-of-life.png',
    label: 'caution',
    title: 'まい',
    day: '今日',
    avatar: '#90be6d',
    messages: [
      { from: 'them', text: '会社に頼らない生き方について話すセミナーがあって、すごく刺激になるの', time: '21:10' },
      { from: 'them', text: '参加費は2,000円で、会場は渋谷だよ', time: '21:11' },
      { from: 'me', text: '主催は誰？', time: '21:25' },
      { from: 'them', text: '知り合いの社長さん！', time: '21:26' },
    ],
  },
  // ---------------------------------------------------------------- chats: legit
  {
    kind: 'chat',
    file: 'chat-12-cci-link.png',
    label: 'legit',
    title: '佐藤（経理）',
    day: '今日',
    avatar: '#4d908e',
    messages: [
      { from: 'them', text: 'お疲れさまです。商工会議所の異業種交流会、一緒に行きませんか？', time: '10:02' },
      { from: 'them', text: '11月14日18時半から、会費は一般5,000円です。申込はこちら https://kohoku-cci.example.or.jp/event', time: '10:03' },
      { from: 'me', text: 'いいですね、行きます！', time: '10:15' },
    ],
  },
  {
    kind: 'chat',
    file: 'chat-13-study.png',
    label: 'legit',
    title: '山本',
    day: '10月28日(火)',
    avatar: '#277da1',
    messages: [
      { from: 'them', text: '12月6日にTypeScriptの勉強会があるよ。connpassで募集してる', time: '12:30' },
      { from: 'them', text: '場所は渋谷のコワーキングで参加費無料、懇親会は1,500円', time: '12:31' },
      { from: 'me', text: '申し込んでみる！', time: '12:40' },
    ],
  },
  {
    kind: 'chat',
    file: 'chat-14-alumni.png',
    label: 'legit',
    title: '〇〇大学OB会 幹事（12）',
    day: '今日',
    avatar: '#b5838d',
    group: true,
    messages: [
      { from: 'them', name: '幹事 田中', text: '今年のOB交流会のお知らせです', time: '09:00' },
      { from: 'them', name: '幹事 田中', text: '日時は12月20日（土）18時から、会場は新橋の居酒屋「なごみ」です', time: '09:01' },
      { from: 'them', name: '幹事 田中', text: '会費は6,000円、出欠は15日までにこのグループで返信してください', time: '09:01' },
      { from: 'me', text: '参加します！', time: '09:20' },
    ],
  },
  {
    kind: 'chat',
    file: 'chat-15-local-drinks.png',
    label: 'legit',
    title: 'はるか',
    day: '今日',
    avatar: '#ffafcc',
    messages: [
      { from: 'them', text: '地元の飲食店オーナーさんたちの交流会、今年もやるって！', time: '16:45' },
      { from: 'them', text: '主催は商店街振興組合で、11月25日19時から公民館。会費3,000円だって', time: '16:46' },
      { from: 'me', text: '去年も楽しかったよね', time: '17:02' },
    ],
  },
  {
    kind: 'chat',
    file: 'chat-16-npo-seminar.png',
    label: 'legit',
    title: '中村さん',
    day: '11月5日(水)',
    avatar: '#8d99ae',
    messages: [
      { from: 'them', text: 'フリーランス向けの契約トラブル予防講座、よかったらどうぞ', time: '15:10' },
      { from: 'them', text: 'NPO法人の主催で、10月12日13時半から渋谷区の勤労福祉会館です。参加費1,000円', time: '15:11' },
      { from: 'me', text: 'ありがとうございます、申し込みます', time: '15:30' },
    ],
  },
  // ---------------------------------------------------------------- a phone photo of a flyer
  {
    kind: 'photo',
    file: 'photo-01-flyer-on-table.jpg',
    label: 'likely-trap',
    flyer: {
      layout: 'headline',
      theme: { bg: '#ffffff', ink: '#111111', accent: '#d62828' },
      kicker: '完全無料',
      headline: '年収1000万円への近道',
      sub: '成功者のメンターが直接教えます',
      facts: [
        ['日時', '12月14日（日）13:00〜'],
        ['会場', '申込者にのみお伝えします'],
      ],
      lines: ['必ず稼げるノウハウを公開', '友達紹介で報酬あり'],
    },
  },
  // ---------------------------------------------------------------- no invitation
  { kind: 'none', file: 'none-01-landscape.png', label: 'none', scene: 'landscape' },
  { kind: 'none', file: 'none-02-sticker.png', label: 'none', scene: 'sticker' },
  { kind: 'none', file: 'none-03-desk.png', label: 'none', scene: 'desk' },
];

/** The text a perfect reading returns, in reading order: one line per printed line or bubble. */
export function sourceText(source: ImageSource): string {
  switch (source.kind) {
    case 'flyer':
      return flyerText(source);
    case 'photo':
      return flyerText(source.flyer);
    case 'chat':
      return source.messages.map((m) => m.text).join('\n');
    case 'none':
      return '';
  }
}

function flyerText(f: Omit<FlyerSource, 'kind' | 'file' | 'label'>): string {
  return [
    f.kicker,
    f.headline,
    f.sub,
    ...f.facts.map(([k, v]) => `${k}：${v}`),
    ...f.lines,
    f.footer,
  ]
    .filter((line): line is string => Boolean(line))
    .join('\n');
}
