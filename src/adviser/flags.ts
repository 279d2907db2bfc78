// The one table of red and green flags used to judge an invitation.
//
// Every rule is data: patterns (families of phrasings, matched against NFKC-normalised text), a
// weight, a short Japanese label, a one-line reason, and the knowledge chunk the rule rests on.
// Scoring (verdict.ts) sums the weights of the flags that fire: red adds, green subtracts.
// Patterns aim at kinds of phrasing that public bodies and the seed articles describe, not at
// particular invitations, so they keep working on wording we have never seen.

export type FlagKind = 'red' | 'green';

/** Facts about an invitation that some rules test instead of (or besides) wording. */
export type FactCheck =
  /** Date, venue and fee are all stated and the venue is not withheld. */
  | 'details-clear'
  /** At most one of date, venue, fee and organiser is stated. */
  | 'details-missing';

export type FlagMatcher =
  | {
      by: 'patterns';
      patterns: readonly RegExp[];
      /** The flag fires only when one of these also occurs somewhere in the invitation. */
      alsoNeeds?: readonly RegExp[];
      /**
       * Skip a match whose sentence forbids or warns about the thing ("勧誘は禁止です",
       * "「絶対儲かる」は詐欺の手口"): published rules and warnings are not a pitch.
       */
      negatable?: boolean;
      /** The flag fires only when the event fee (yen) meets this condition. */
      fee?: { below?: number; atLeast?: number };
      /** Quote a match from a line containing this first (e.g. the 主催 line for an organiser). */
      preferLinesWith?: RegExp;
    }
  | { by: 'fee'; below?: number; atLeast?: number; alsoNeeds?: readonly RegExp[] }
  | { by: 'facts'; check: FactCheck };

export type FlagRule = {
  id: string;
  kind: FlagKind;
  /** Short Japanese label shown on the card. */
  label: string;
  /** Red: added to the risk score. Green: subtracted. */
  weight: number;
  /** A strong red flag alone makes the verdict likely-trap, whatever else is found. */
  strong?: boolean;
  /** Flags this one already covers; they are dropped when this one fires, so a sign counts once. */
  supersedes?: readonly string[];
  /** Knowledge chunk the rule rests on (knowledge/<chunkId>.md). */
  chunkId: string;
  /** One or two Japanese sentences: why this matters. Used by the "なぜ？" follow-up. */
  why: string;
  match: FlagMatcher;
};

/** Sentences containing one of these state a rule or a warning rather than an offer. */
export const PROHIBITION_OR_WARNING =
  /禁止|お断り|ご遠慮|遠慮(ください|願)|NG|厳禁|不可|できません|いただけません|不要|いりません|必要ありません|注意|詐欺|手口|トラブル|被害|防止|対策|気をつけ/;

/** Words naming a networking gathering, for rules that only make sense about one. */
const GATHERING = /交流会|懇親会|例会|定例会|朝会|朝食会|会員|クラブ|カフェ会|賀詞交歓会|ディナー|パーティ|食事会|勉強会/;

/** Words naming a get-together whose point is meeting people (where cheapness says something). */
const NETWORKING = /交流|名刺交換|カフェ会|パーティ|人脈|出会|つながろう|繋がろう|食事会|飲み会|お茶会|オフ会/;

const MONEY_TOPIC =
  /投資|資産(運用|形成)?|稼|儲|副業|仮想通貨|暗号資産|FX|お金の(自由|話|勉強|増や|稼ぎ方)|不労所得|運用|ビジネス(を|の話)?(一緒|しませんか|したい|をし)/i;

export const flagRules: readonly FlagRule[] = [
  // ----- red: the real purpose is to sell or recruit -----
  {
    id: 'mlm-named',
    kind: 'red',
    label: 'マルチ商法（ネットワークビジネス）の気配',
    weight: 4,
    strong: true,
    chunkId: 'law-disclosure-duty',
    why: 'ネットワークビジネスへの勧誘なら、会社名・目的・商品を最初に伝える義務があります。誘いの中で急に出てくる場合は、目的を隠した勧誘を疑いましょう。',
    match: {
      by: 'patterns',
      negatable: true,
      patterns: [
        /ネットワーク\s*ビジネス|MLM|連鎖販売|ねずみ講|ネズミ講|ディストリビューター|アップライン|ダウンライン/i,
        /マルチ(?!タスク|メディア|プレイ|ツール|ポスト|ジャンル|リンガル)/,
        /ビジネスオーナー|(代理店|会員)になる?と[^。\n]{0,8}(安く|割引|お得|収入)/,
      ],
    },
  },
  {
    id: 'selling-purpose',
    kind: 'red',
    label: '売り込み・ビジネスの話が目的らしい',
    weight: 2,
    chunkId: 'red-selling-purpose',
    why: '「話を聞くだけ」「面白いビジネス」といった言い方は、交流ではなく商品や事業への勧誘が本当の目的であることが多いです。',
    match: {
      by: 'patterns',
      negatable: true,
      patterns: [
        /(商品|製品|サービス|商材|サプリ|化粧品|健康食品|浄水器|水素水|美容(グッズ|機器)?|サンプル)[^。\n]{0,12}((?<!自己)紹介|説明|の話|シェア|体験|お試し|お持ち帰り|販売|プレゼン)/,
        /(面白い|おもしろい|すごい|新しい|最新の)(ビジネス|仕事|事業|副業)/,
        /(ビジネス|仕事|事業)[^。\n]{0,4}(の話|を紹介|の説明|の提案)/,
        /(一緒に|いっしょに)(ビジネス|事業|仕事)を?(しませんか|したい|しよう|やろう|やらない)/,
        /(話|説明)を?(聞く|聞いて)(だけ|のみ|ほしい|欲しい|もらいたい)/,
        /(実は|いま|今)[^。\n]{0,6}(新しいこと|ビジネス|事業|副業)を?(始め|やって)/,
        /(?<!会社|企業|合同|入試|学校|入学|就職)説明会/,
        /(代理店|販売店|愛用者)(に|を|として)/,
      ],
    },
  },
  {
    id: 'risky-products',
    kind: 'red',
    label: '損をしやすい商材（投資・情報商材など）',
    weight: 2,
    chunkId: 'red-risky-products',
    why: '投資案件・仮想通貨・情報商材・高額なスクールやジュエリーなどは、買った側が損をしやすい商材です。付き合いでも契約しないのが安全です。',
    match: {
      by: 'patterns',
      negatable: true,
      patterns: [
        /仮想通貨|暗号資産|FX|バイナリー?オプション|自動売買|情報商材|未公開株|投資案件|コピートレード|せどり/i,
        /不動産投資|投資用(マンション|不動産)|ワンルーム投資|海外投資/,
        /投資(の話|の勉強|セミナー|しない|に興味|して(みない|みませんか))/,
        /高額(な)?(塾|コンサル|スクール|講座)|ジュエリー|宝石|絵画|美顔器/,
      ],
    },
  },
  {
    id: 'income-promise',
    kind: 'red',
    label: '「必ず儲かる」など収入の約束',
    weight: 4,
    strong: true,
    chunkId: 'sign-fraud-words',
    why: '「絶対儲かる」「誰でも簡単に稼げる」「元本保証」は、警察や消費者庁が詐欺の決まり文句として挙げている言葉です。確実に儲かる話はありません。',
    match: {
      by: 'patterns',
      negatable: true,
      patterns: [
        /(絶対|必ず|確実に?|間違いなく|100%)[^。\n]{0,6}(儲か|もうか|稼げ|稼ぐ|増え|利益)/,
        /(誰でも|簡単に?|かんたんに|楽して|ラクして|スマホ\d*台で|寝て(い|て)?ても|寝ながら|ほったらかし|何もしなくても|働かなくても)[^。\n]{0,8}(稼|儲|収入|お金が(入|増))/,
        /月収\d+万|月\d+万円?(以上)?を?(目指|稼|達成|の収入|の副収入|の利益|可能)|年収\d{4,}万|年収\d+(千万|億)/,
        /(月|年|日)利\d+(\.\d+)?%|元本保証|高配当|配当(が|を)(毎月|もらえ)|不労所得|権利収入|経済的(な)?自由|お金の自由|時間とお金の自由/,
      ],
    },
  },
  {
    id: 'referral-rewards',
    kind: 'red',
    label: '人を紹介すると報酬が出る',
    weight: 4,
    strong: true,
    chunkId: 'sign-referral-rewards',
    why: '紹介報酬ばかりが強調され、肝心の事業の中身があいまいなのは、マルチ商法やモノなしマルチでよく見られる形です。',
    match: {
      by: 'patterns',
      negatable: true,
      patterns: [
        /(紹介|勧誘|誘う|誘って|連れて(く|き))[^。\n]{0,20}(報酬|ボーナス|紹介料|キャッシュバック|バック|マージン|コミッション|特典|円(入|もら|が入|の報酬)|万円?(入|もら|が入))/,
        /紹介料|紹介報酬|紹介ボーナス|報酬プラン|タイトル(が上が|アップ)/,
        /(増やす|紹介する|広める|伝える|誘う|勧める|シェアする)だけで[^。\n]{0,8}(収入|報酬|稼|お金|儲)/,
        /(紹介|勧誘|誘|連れてく|集め)[^。\n]{0,8}(ば|たら|と)[^。\n]{0,10}(お金が入|元が取れ|稼|収入|報酬|無料|タダ|儲|もらえ)/,
      ],
    },
  },
  {
    id: 'second-venue',
    kind: 'red',
    label: '「いつもの場所」など別の場所への移動',
    weight: 4,
    strong: true,
    chunkId: 'law-forbidden-practices',
    supersedes: ['pitch-after-activity'],
    why: '楽しい集まりのあと「いつもの場所」や事務所、誰かの家に移って話をするのは、人目のない場所での勧誘として行政処分の例にもある流れです。',
    match: {
      by: 'patterns',
      negatable: true,
      patterns: [
        /いつもの(場所|ところ|とこ)|別室/,
        /(終わ(った|ったら|り次第)|その(後|あと)|あとで|後で|二次会で|食後|解散後)[^。\n]{0,15}(事務所|オフィス|(?<!ご|お|飲み|食事の|イベントの)家|自宅|部屋|別の(場所|部屋))/,
        /(先輩|知り合い|友達|メンバー|上の人|その人)の(家|自宅|事務所|オフィス|サロン)[^。\n]{0,8}(移動|行こ|寄|連れ|で話)/,
      ],
    },
  },
  {
    id: 'pitch-after-activity',
    kind: 'red',
    label: '遊びや食事のあとに勧誘らしい話',
    weight: 4,
    strong: true,
    chunkId: 'red-pitch-after-rapport',
    why: 'BBQやホームパーティー、食事で打ち解けたあとに商品やビジネスの話を始めるのは、断りにくさを利用した典型的な勧誘の流れです。',
    match: {
      by: 'patterns',
      negatable: true,
      patterns: [
        /(終わ(った|ったら|り次第)|その(後|あと)|(あと|後)(で|に|は)|二次会で|食後|解散後|途中(で|から))[^。\n]{0,15}(話(そう|しよう|がある|を聞|したい|もさせ)|の話|説明|紹介したい|セミナー|勉強会|ビジネス|商品|製品|化粧品|サプリ)/,
        /後半(は|に)[^。\n]{0,20}(説明|紹介|セミナー|体験|プレゼン|商品|製品|サンプル|健康|美容|ビジネス)/,
      ],
      alsoNeeds: [/BBQ|バーベキュー|ホームパーティ|パーティー|ボウリング|フットサル|飲み|お茶|食事|ご飯|ごはん|ランチ|カラオケ|遊び|旅行|キャンプ|花火|スポーツ|ゴルフ/i],
    },
  },
  {
    id: 'hidden-purpose',
    kind: 'red',
    label: '目的や内容を会うまで明かさない',
    weight: 3,
    chunkId: 'law-forbidden-practices',
    why: '目的を告げずに呼び出して勧誘するのは、特定商取引法で禁じられているやり方です。内容を文字で教えてくれない誘いは要注意です。',
    match: {
      by: 'patterns',
      patterns: [
        /(会ってから|会ったら|会った時に|来てから|当日)[^。\n]{0,8}(話す|話します|説明|教え|言う|のお楽しみ)/,
        /(電話|LINE|メール|ここ|文字|チャット)(じゃ|では|で(は)?)[^。\n]{0,3}(話せ|言え|説明でき|書け)/i,
        /詳しく(は)?(会って|直接|当日)|今は(言えない|内緒|秘密)|内容は(秘密|内緒|ヒミツ|お楽しみ)/,
      ],
    },
  },
  {
    id: 'denial-upfront',
    kind: 'red',
    label: '「怪しい話じゃない」と先回りして否定',
    weight: 2,
    chunkId: 'sign-lure-lines',
    why: '聞いてもいないのに「勧誘じゃない」「宗教じゃない」と打ち消すのは、警戒されることを分かっている誘い方によく見られます。',
    match: {
      by: 'patterns',
      patterns: [
        /(怪しい|あやしい|変な|宗教|マルチ|勧誘|ネットワークビジネス|ねずみ講|ネズミ講|詐欺|セールス)[^。\n]{0,6}(じゃない|じゃなくて|じゃないから|ではない|ではありません|ではございません)/,
      ],
    },
  },

  // ----- red: lure lines -----
  {
    id: 'successful-person',
    kind: 'red',
    label: '「すごい人・成功者を紹介する」',
    weight: 2,
    chunkId: 'sign-lure-lines',
    why: '「すごい人に会わせる」「成功している先輩を紹介する」は、マルチ商法の入口として消費者庁や国民生活センターが挙げる誘い文句です。',
    match: {
      by: 'patterns',
      patterns: [
        /(すごい|凄い|スゴい|面白い|成功(して|した|者)|お金持ち|億り人|稼いで(る|いる)|年収|カリスマ|有名な|尊敬(して|する)|メンター|憧れの|信頼できる|頼れる|詳しい|年商|手に入れた|実現した|達成した)[^。\n]{0,10}(人|方|仲間|経営者|社長|先輩|講師|オーナー|アドバイザー|プロ|専門家|コンサル)[^。\n]{0,8}(紹介|会わせ|会え|会って|会おう|会わない|に会|つなげ|繋げ|登壇|呼|講演|話を聞|話が聞|教え|体験談|(も|が)来る|(も|が)来ます)/,
        /(メンター|師匠|成功者|お金持ち|先生)(に|を|と)[^。\n]{0,4}(会わせ|紹介|会え|会って|つなげ)/,
        /(会わせたい|紹介したい|会ってほしい|会ってもらいたい)(人|方|先輩|社長|経営者|仲間|メンター)/,
        /(成功者|お金持ち|億り人|大富豪|セレブ|カリスマ)[^。\n]{0,12}(紹介|会わせ|会え|会って|集ま|招待|登壇|講演|話を聞|つなげ)/,
      ],
    },
  },
  {
    id: 'vague-good-story',
    kind: 'red',
    label: '中身を言わない「いい話」',
    weight: 2,
    chunkId: 'sign-lure-lines',
    why: '「いい話がある」「耳寄りな話」だけで中身を言わない誘いは、勧誘の入口として典型的です。何の話か先に文字で聞きましょう。',
    match: {
      by: 'patterns',
      patterns: [/(いい|良い|おいしい|美味しい|耳寄りな?|すごい|ワクワクする|得する)(話|情報|案件)|儲け話/],
    },
  },
  {
    id: 'money-seminar',
    kind: 'red',
    label: 'お金・投資の勉強会への誘い',
    weight: 2,
    chunkId: 'sign-lure-lines',
    why: '「お金の勉強会」「投資セミナー」への誘いは、高額な商材や投資話につながる入口としてよく使われます。',
    match: {
      by: 'patterns',
      negatable: true,
      patterns: [/お金の(勉強|教養|セミナー|話)|(投資|資産運用|資産形成|副業|起業)[^。\n]{0,4}(セミナー|勉強会)|資産を(増や|作|つく|築)/],
    },
  },
  {
    id: 'self-improvement',
    kind: 'red',
    label: '自己啓発・「会社に頼らない生き方」系の誘い',
    weight: 1,
    chunkId: 'sign-lure-lines',
    why: '自己啓発や「人生が変わる」をうたう集まりはそれ自体は問題ありませんが、勧誘の入口として使われることもあります。',
    match: {
      by: 'patterns',
      patterns: [
        /自己啓発|自己成長|成功哲学|引き寄せ|マインドセット|意識(の)?高い/,
        /人生(を|が)変わ|人生を変え|夢を(叶え|持つ|語)|会社に(頼らない|頼らず|縛られない|縛られず)|自由な(生き方|働き方|ライフスタイル|人生|生活|時間)|好きな時に好きな場所で/,
        /収入源を?(持|増や|作)|収入の柱|給料だけ(じゃ|では)/,
      ],
    },
  },
  {
    id: 'fraud-pressure-words',
    kind: 'red',
    label: '「今だけ」「あなただけ」などの特別扱い',
    weight: 2,
    chunkId: 'sign-fraud-words',
    why: '「今だけ」「あなただけ」「特別に」は、考える時間を奪うために詐欺でよく使われる言葉です。',
    match: {
      by: 'patterns',
      negatable: true,
      patterns: [
        /今だけ|今なら|今回(だけ|限り)|あなただけ|君だけ|きみだけ|ここだけの話|選ばれた(人|方)|(好きな人|大切な人|特別な人)にだけ/,
        /特別(に|価格|な条件|招待|ご招待)/,
      ],
    },
  },
  {
    id: 'religious-opener',
    kind: 'red',
    label: '正体を隠した宗教勧誘によくある誘い',
    weight: 2,
    chunkId: 'sign-religious-recruiting',
    why: '人生の意味や幸せについて語る会、無料の食事会、正体を言わないサークルは、大学の相談窓口が注意を呼びかける宗教勧誘の入口です。連絡先はその場で渡さないのが安全です。',
    match: {
      by: 'patterns',
      negatable: true,
      patterns: [
        /人生の(意味|目的)|生きる(意味|目的)|本当の幸せ|幸せ(って|とは)(何|なに|なんだろう)|幸せ(になる|の)(方法|秘訣)|前世|守護霊|宇宙の(法則|真理)|聖書|神様|悟り|徳を積|心の(学び|勉強)|スピリチュアル/,
        /無料で?(ご飯|夕食|食事|ランチ)|(ご飯|夕食|食事)(は|が|も)(無料|タダ|ただ|おごり)/,
        /アンケート(に|へ)(協力|答え|ご協力)|心理テスト|自己分析(セミナー|講座|ワーク)/,
      ],
    },
  },

  // ----- red: how the group treats its members -----
  {
    id: 'early-morning-self-help',
    kind: 'red',
    label: '早朝の集まり＋自己啓発',
    weight: 2,
    chunkId: 'red-early-morning-cult',
    supersedes: ['self-improvement'],
    why: '早朝の会そのものは珍しくありませんが、成長や成功を強くたたえる早朝の集まりは、生活を削って会にのめり込む流れになりがちです。',
    match: {
      by: 'patterns',
      patterns: [
        /朝活|早朝|モーニング(会|クラブ|セミナー)|朝会|朝[4-6]時|(?<![\d:])[4-6]:\d{2}|(?<!\d)[4-6]時(半|から|〜|~|-)/,
      ],
      alsoNeeds: [/自己啓発|自己成長|成長|夢|目標|成功|習慣|引き寄せ|ポジティブ|前向き|人生|感謝|宣言|モチベーション|やる気|意識/],
    },
  },
  {
    id: 'attendance-duty',
    kind: 'red',
    label: '出席の義務や欠席の罰',
    weight: 2,
    chunkId: 'red-early-morning-cult',
    why: '毎週の出席が義務だったり、欠席に罰金や代理が必要だったりする会は、仕事や生活を圧迫しやすく、抜けにくくもなります。',
    match: {
      by: 'patterns',
      patterns: [
        /(出席|参加)[^。\n]{0,6}(必須|義務|が原則|原則|強制)|欠席[^。\n]{0,10}(罰金|ペナルティ|代理)/,
      ],
    },
  },
  {
    id: 'forced-referrals',
    kind: 'red',
    label: '人を紹介・勧誘するノルマ',
    weight: 2,
    chunkId: 'red-forced-referrals',
    why: '見込み客や新しい人を紹介しなければならない会では、知り合いを巻き込むことになり、人間関係を損ないやすいです。',
    match: {
      by: 'patterns',
      patterns: [
        /(紹介|勧誘|誘う|連れてくる|リファーラル)[^。\n]{0,12}(ノルマ|義務|必須|しなければ|しないと|のがルール)/,
        /ノルマ|毎月\d+人|(?<!\d)\d+人(以上)?(を)?(紹介|連れて|誘っ|勧誘)/,
      ],
    },
  },
  {
    id: 'noisy-line-group',
    kind: 'red',
    label: '通知の多いLINEグループへの参加',
    weight: 1,
    chunkId: 'red-noisy-line-groups',
    why: '毎日の報告やあいさつを求めるLINEグループは、時間を取られるうえ、抜けにくい雰囲気を作る仕組みにもなります。',
    match: {
      by: 'patterns',
      patterns: [
        /(LINE|ライン|グループ|オプチャ|オープンチャット)[^。\n]{0,20}(毎日|毎朝|毎晩|報告|挨拶|あいさつ|スタンプ|既読|返信(必須|必ず)|入り(なよ|なさい|必須))/i,
        /毎(朝|日|晩)[^。\n]{0,15}(報告|挨拶|あいさつ)/,
      ],
    },
  },

  // ----- red: cheap or opaque events -----
  {
    id: 'cheap-fee',
    kind: 'red',
    label: '参加費が3,000円未満と格安',
    weight: 1,
    chunkId: 'cheap-vs-expensive-events',
    why: '参加費が安い会ほど、売り込み目的の人が混じりやすい傾向があります。安いこと自体は問題ではないので、ルールや主催者と合わせて判断しましょう。',
    // The seed article's point is about networking mixers; study meetups and seminars are often free.
    match: { by: 'fee', below: 3000, alsoNeeds: [NETWORKING] },
  },
  {
    id: 'cheap-rented-room',
    kind: 'red',
    label: '格安で貸し会議室・レンタルスペースや個人宅',
    weight: 1,
    chunkId: 'red-one-off-ripoff',
    why: '格安の会が小さな貸し部屋や個人宅で開かれる場合、運営の中身が見えにくく、勧誘の場になっていることもあります。',
    match: {
      by: 'patterns',
      fee: { below: 3000 },
      patterns: [/レンタル(スペース|ルーム)|貸し?会議室|貸しスペース|雑居ビル|マンション|(個人|誰か|メンバー)の(家|自宅)|自宅/],
    },
  },
  {
    id: 'venue-withheld',
    kind: 'red',
    label: '会場が申し込むまで分からない',
    weight: 1,
    chunkId: 'green-clear-details',
    why: '場所を申込後にしか教えない会は、どんな場所で何が行われるのかを事前に確かめられません。',
    match: {
      by: 'patterns',
      patterns: [
        /(申し?込み?|申込|お申込み|お申し込み|参加者|参加確定)(の)?(後|あと|の方|者)?(に|へ)?(のみ|だけ)?(に)?(ご案内|お知らせ|送|連絡|伝え)/,
        /場所は[^。\n]{0,14}(申し込|後で|あとで|決ま|送る|教える)/,
        /詳細は申(し)?込(み)?後|(者|方)にのみ(ご連絡|連絡|お知らせ|ご案内)/,
      ],
    },
  },
  {
    id: 'organiser-unknown',
    kind: 'red',
    label: '主催者・会社名が分からない',
    weight: 1,
    chunkId: 'law-disclosure-duty',
    why: '勧誘をするなら会社名や目的を最初に示す決まりがあります。主催者や会社名がはっきりしない誘いは、文字で確認してから判断しましょう。',
    match: {
      by: 'patterns',
      patterns: [
        /(会社名|団体名|サークルの名前|名前|正体|主催者?|運営)[^。\n]{0,8}(教えてくれな|言わな|明かさな|はぐらか|濁さ|ごまかさ|秘密|内緒|わからな|分からな|不明|聞いてない|知らない)/,
        /(よく)?(知らない|わからない|分からない)(会社|団体|人)/,
      ],
    },
  },
  {
    id: 'details-missing',
    kind: 'red',
    label: '日時・会場・参加費・主催がほとんど書かれていない',
    weight: 1,
    chunkId: 'green-clear-details',
    why: 'まともな会は、日時・会場・参加費・主催者を最初から示します。情報がほとんどない誘いは、中身を確かめてから決めましょう。',
    match: { by: 'facts', check: 'details-missing' },
  },

  // ----- red: pressure and money -----
  {
    id: 'sign-pressure',
    kind: 'red',
    label: 'その場での契約・即決を迫る',
    weight: 4,
    strong: true,
    chunkId: 'law-cooling-off',
    why: '印鑑や通帳を持ってこさせたり、今日中の決断を迫ったりするのは、考える時間を与えない勧誘の特徴です。その場では決めないのが鉄則です。',
    match: {
      by: 'patterns',
      negatable: true,
      patterns: [
        /その場で[^。\n]{0,6}(契約|申し込|申込|手続|決め|サイン|入会|購入)/,
        /今日(中|だけ)[^。\n]{0,8}(決め|契約|申し込|申込)|今決め(ない|れば|て)|即決/,
        /(本日|今日|当日)(中|だけ|限り)?[^。\n]{0,4}(ご)?(契約|成約|決断)|(本日|今日|当日)(限り|だけ)の?(特別|割引|価格)/,
        /印鑑|ハンコ|はんこ|通帳|キャッシュカード/,
      ],
    },
  },
  {
    id: 'upfront-payment',
    kind: 'red',
    label: '始めるのに初期費用や商品購入が必要',
    weight: 2,
    chunkId: 'law-disclosure-duty',
    why: '「始めるには初期費用や商品の購入が必要」という話は、特定商取引法でいう特定負担を伴う取引です。勧誘する側は最初にそれを明かす義務があります。',
    match: {
      by: 'patterns',
      negatable: true,
      patterns: [/初期費用|初期投資|スターターキット|登録料|(購入|買うの)(が|は)(必要|条件)|(商品|製品)を?(まとめ買い|定期購入)/],
    },
  },
  {
    id: 'borrowing',
    kind: 'red',
    label: '借金やローンで払うよう勧める',
    weight: 4,
    strong: true,
    chunkId: 'sign-borrowing',
    why: '「借りてもすぐ取り返せる」と消費者金融やローンを勧めるのは、国民生活センターが強く注意を呼びかけている手口です。借金して始めてはいけません。',
    match: {
      by: 'patterns',
      negatable: true,
      patterns: [
        /(お金|費用|参加費|代金)を?借り|借金|消費者金融|キャッシング|(学生|カード|サラ)ローン|ローン(で|を|も)?(組|払)|ローンで|リボ(払い)?|分割(払い|で|に)|クレジット(カード)?(で|を使)/,
        /(すぐ(に)?|\d+(ヶ|か|カ|ケ)?月|半年|1年|一年)で?(元が取れ|取り返せ|回収|返せ)/,
        /カード(で|払い)[^。\n]{0,4}(払|支払|決済|一括|分割)?/,
        /(お金|貯金)が?(ない|なくても|ゼロでも)[^。\n]{0,10}(大丈夫|平気|なんとか|払え|始められ)/,
      ],
    },
  },
  {
    id: 'sns-money-talk',
    kind: 'red',
    label: 'SNS・アプリで知り合った相手からのお金の話',
    weight: 4,
    strong: true,
    chunkId: 'sign-sns-money-talk',
    why: 'SNSやマッチングアプリで知り合ってすぐに投資や副業など、お金の話が出てきたら、詐欺を強く疑うべきサインです。',
    match: {
      by: 'patterns',
      patterns: [
        /マッチングアプリ|婚活アプリ|婚活パーティ|街コン|合コン|出会い系|アプリで(知り合|出会|マッチ)|ペアーズ|Pairs|タップル|Tinder/i,
        /(インスタ|Instagram|X|Twitter|ツイッター|TikTok|Facebook|フェイスブック|SNS|DM|オープンチャット)(の|で|から)?[^。\n]{0,6}(知り合|出会|つなが|繋が|友達申請|フォロー|声をかけ|メッセージが来|連絡が来)/i,
      ],
      alsoNeeds: [MONEY_TOPIC],
    },
  },
  {
    id: 'romance-purchase',
    kind: 'red',
    label: '恋愛感情＋購入・契約の話（デート商法）',
    weight: 4,
    strong: true,
    chunkId: 'law-date-shoho',
    why: '好意を見せながら商品や投資の話に誘うのはデート商法の典型です。こうした契約は消費者契約法で取り消せる場合があります。',
    match: {
      by: 'patterns',
      patterns: [/彼氏|彼女|恋人|付き合|好きな人|好きだから|デート|婚活|(二人|ふたり)の将来|結婚(を前提|したら|しよう)/],
      alsoNeeds: [/買|購入|契約|ローン|投資|資産|運用|保険|ジュエリー|宝石|指輪|絵画|展示会|エステ|化粧品|セミナー|マンション|商品/],
    },
  },
  {
    id: 'acquaintance-reappears',
    kind: 'red',
    label: '久しぶりの知人・SNSで知り合った人からの誘い',
    weight: 1,
    chunkId: 'sign-invites-from-acquaintances',
    why: '何年も連絡のなかった知人や、SNSで知り合ったばかりの人からの急な誘いは、勧誘の相談でよくある始まり方です。',
    match: {
      by: 'patterns',
      patterns: [
        /久しぶり|久々|ひさしぶり|覚えてる|元気(して|にして)る\?|(高校|中学|大学|小学校)(の時|以来|の頃)|同級生|昔の(友達|同僚)/,
        /知らない人から|友達申請|(SNS|インスタ|Instagram|Facebook|X|Twitter|TikTok|DM)で(知り合|つなが|繋が)/i,
      ],
    },
  },

  // ----- green -----
  {
    id: 'public-or-nonprofit-organiser',
    kind: 'green',
    label: '公的機関・業界団体・非営利の主催',
    weight: 2,
    chunkId: 'green-named-organizer',
    // Cheapness warns about commercial one-off mixers; public and non-profit events are often free.
    supersedes: ['cheap-fee'],
    why: '商工会議所や自治体、業界団体、NPOなど、名前と責任の所在がはっきりした主催者の会は、問題があったときに相談先もあります。',
    match: {
      by: 'patterns',
      preferLinesWith: /主催|運営|主宰|共催/,
      patterns: [
        /商工会議所|商工会|青年会議所|同友会|(公益|一般)(社団|財団)法人|NPO法人|特定非営利活動法人|協同組合|工業組合|協会|財団|よろず支援拠点|産業振興|消費生活(総合)?センター|キャリアセンター|同窓会|校友会|OB会|工業会|法人会|ロータリークラブ|ライオンズクラブ|商店会|振興会|連合会|[都道府県市区町村](役所|役場)/,
        /\.(lg|go|or|ac)\.jp/,
        /(主催|共催|後援|運営)[:：\s]*[^\n。]{0,16}(市|県|都|府|区|町|村|省|庁|公庫|機構|公社|独立行政法人|国立|公立|支援センター)/,
      ],
    },
  },
  {
    id: 'company-organiser',
    kind: 'green',
    label: '主催の会社名が明記されている',
    weight: 1,
    chunkId: 'green-named-organizer',
    why: '会社名が出ていれば、どんな会社か事前に調べられます。',
    match: { by: 'patterns', preferLinesWith: /主催|運営|主宰|共催/, patterns: [/株式会社|有限会社|合同会社|\(株\)|\(有\)|銀行|信用金庫|信金|信用組合|証券会社|新聞社|(弊社|当社)(主催|が主催)/] },
  },
  {
    id: 'public-page',
    kind: 'green',
    label: '公開の告知ページがある',
    weight: 1,
    chunkId: 'green-named-organizer',
    why: '公開ページがあれば、過去の開催実績や主催者の情報を事前に確認できます。',
    match: {
      by: 'patterns',
      patterns: [/https?:\/\/[^\s)）]+|connpass|peatix|こくちーず|kokucheese|doorkeeper|(公式|ウェブ|web)?サイト(に|で|から)|ホームページ|HP(に|で|から)/i],
    },
  },
  {
    id: 'no-solicitation-rules',
    kind: 'green',
    label: '勧誘・売り込み禁止のルールを公開',
    weight: 2,
    chunkId: 'green-rules-enforced',
    why: '勧誘や売り込みを禁じるルールを公開している会は、参加者を守る姿勢があります。',
    match: {
      by: 'patterns',
      patterns: [
        /(勧誘|営業|売り込み|販売|ネットワークビジネス|MLM|マルチ|宗教|政治|保険|投資)[^。\n]{0,25}(禁止|お断り|ご遠慮|遠慮|NG|厳禁|できません|いただけません)/i,
      ],
    },
  },
  {
    id: 'rules-enforced',
    kind: 'green',
    label: 'ルール違反への対応（退場など）を明記',
    weight: 1,
    chunkId: 'green-rules-enforced',
    why: '違反者の退場や参加お断りまで決めている会は、ルールを実際に守らせている可能性が高いです。',
    match: {
      by: 'patterns',
      patterns: [/退場|退出|出禁|出入り禁止|以後の(ご)?参加を(お断り|ご遠慮)|今後の(ご)?参加をお断り|運営スタッフが常駐|会則で禁止|会則/],
    },
  },
  {
    id: 'limited-attendance',
    kind: 'green',
    label: '業種・役職・テーマで参加者を限定',
    weight: 1,
    chunkId: 'green-limited-attendance',
    why: '参加者を業種や役職、テーマで絞っている会は、話がかみ合いやすく、目的外の人が紛れにくいです。',
    match: {
      by: 'patterns',
      patterns: [
        /(経営者|代表者?|役員|経営幹部|士業|エンジニア|デザイナー|人事|採用|経理|医療|介護|建設|製造|後継者|担当者|フリーランス|個人事業主|卒業生|校友)[^。\n]{0,12}(限定|のみ|に限り|に限ります|だけ(が|で|の)|(が|を)対象)/,
        /(対象|参加資格|For|Target)[:：](?!\s*(どなたでも|誰でも|全ての方|すべての方|初心者))[^\n]{0,40}(の方|者|様)/,
        /1業種1(名|社)|業種は1業種/,
      ],
    },
  },
  {
    id: 'vetting',
    kind: 'green',
    label: '審査・紹介制などで参加者を確認',
    weight: 1,
    chunkId: 'green-vetting',
    why: '入会審査や紹介制、事前の登録確認がある会は、目的の違う人が入り込みにくくなっています。',
    match: {
      by: 'patterns',
      patterns: [/審査|推薦|紹介制(?!度)|招待制|(事前)?登録制|紹介(が|で)(あれば|必要)|紹介者(が|の)?(必要|のみ)|(会員|メンバー)の(紹介|推薦)|面談(の上|のうえ|が必要)|確認(の上|のうえ|した上)/],
    },
  },
  {
    id: 'membership-fee',
    kind: 'green',
    label: '年会費制など継続的な会員制',
    weight: 1,
    chunkId: 'cheap-vs-expensive-events',
    why: '年会費などを払う会員制の会は、参加者が継続的に責任を持つため、売り込み目当ての人が混じりにくい傾向があります。',
    match: { by: 'patterns', patterns: [/年会費|入会金|会員制/] },
  },
  {
    id: 'high-fee',
    kind: 'green',
    label: '参加費が1万円以上',
    weight: 1,
    chunkId: 'cheap-vs-expensive-events',
    why: '参加費が1万円以上の会は、安さ目当てや売り込み目当ての人が少なくなる傾向があります。',
    match: { by: 'fee', atLeast: 10000, alsoNeeds: [GATHERING] },
  },
  {
    id: 'details-clear',
    kind: 'green',
    label: '日時・会場・参加費が明記されている',
    weight: 1,
    chunkId: 'green-clear-details',
    why: '日時・会場・参加費がはっきりしていれば、事前に場所や相場を確かめられます。',
    match: { by: 'facts', check: 'details-clear' },
  },
];

export function ruleById(id: string): FlagRule | undefined {
  return flagRules.find((rule) => rule.id === id);
}
