// Stage-aware coaching for one contact: friendship first, the other person's "yes" at every step.
import { type Contact, describeContact, type Stage, STAGES } from './contacts.ts';

export type Goal = '合コン' | '飲み会' | '食事' | '恋愛' | '友達' | '仕事';

const GOALS: [Goal, RegExp][] = [
  ['合コン', /合コン|紹介して(?:もら|ほし)|友達を紹介|メンバーを集め/u],
  ['飲み会', /飲み(?:会|に)|サシ飲み|お酒/u],
  ['食事', /食事|ご飯|ごはん|ランチ|ディナー|お茶/u],
  ['恋愛', /恋愛|付き合|告白|デート|好き/u],
  ['友達', /仲良く|友達に|友人に|距離を縮め|親しく/u],
  ['仕事', /仕事|取引|商談|営業|協業|紹介案件/u],
];

export function detectGoal(text: string): Goal | undefined {
  const t = text.normalize('NFKC');
  return GOALS.find(([, pattern]) => pattern.test(t))?.[0];
}

/** The stage at which each goal becomes a natural next step. */
const GOAL_STAGE: Record<Goal, Stage> = {
  友達: '1対1で話した',
  仕事: '連絡先交換',
  食事: '1対1で話した',
  飲み会: '1対1で話した',
  恋愛: '食事・飲み',
  合コン: '食事・飲み',
};

const NEXT_STEP: Record<Stage, { steps: string[]; chunks: string[] }> = {
  名刺交換: {
    steps: [
      '当日の会話に触れたお礼のメッセージを一度だけ送りましょう（「〇〇の話、参考になりました」くらいの一言で十分です）。',
      '返事が来て会話が続くようなら、「また情報交換させてください」と自然に連絡先（LINEなど）の交換をお願いしてみましょう。',
      'この段階での売り込みや、返事がないのに何度も送るのは逆効果です。',
    ],
    chunks: ['follow-up-after-event', 'contact-to-friendship'],
  },
  連絡先交換: {
    steps: [
      'まずは相手のペースに合わせた軽いやりとりを続けましょう。返信の間隔や長さは相手に合わせるのが目安です。',
      '共通の話題が見つかったら、「よければ今度ランチでもどうですか」と短い1対1の機会を、断りやすい形で提案してみましょう。',
    ],
    chunks: ['private-talk-first', 'permission-not-pressure'],
  },
  '1対1で話した': {
    steps: [
      '仕事の話から少しずつ趣味や休日の話へ。相手が話してくれた範囲で質問を返し、自分のことも少し話しましょう。',
      '恋愛が絡むなら、この段階で結婚しているかどうかを自然に確かめておくと安心です（指輪や休日の過ごし方の話題から）。',
      '打ち解けてきたら「今度軽く飲みに行きませんか」と、相手が断りやすい言い方で誘ってみましょう。',
    ],
    chunks: ['private-talk-first', 'married-contacts', 'invite-to-nomikai'],
  },
  '食事・飲み': {
    steps: [
      'お互いにプライベートの話ができて、どちらも恋人がいないと分かっているなら、合コンの話を出しやすい関係です。',
      '「友達を誘って何人かで飲みませんか」と、まず相手が乗り気かを聞きましょう。人数や雰囲気は相手の希望を優先します。',
      '乗り気でなさそうなら、すぐに引いて今の関係を大事にしましょう。',
    ],
    chunks: ['goukon-with-permission', 'invite-to-nomikai'],
  },
  '合コン・紹介': {
    steps: [
      '企画してくれた相手へのお礼と、参加者への気配りを忘れずに。次も声をかけたくなる人になりましょう。',
      '恋愛に発展させたい人がいても、友人関係の延長でゆっくりと。相手の気持ちを確かめながら進めてください。',
    ],
    chunks: ['romance-from-networking', 'permission-not-pressure'],
  },
};

export type CoachingPlan = {
  lead: string;
  steps: string[];
  /** Knowledge chunks the plan rests on, most relevant first. */
  chunkIds: string[];
  closing: string;
};

/** What to do next with this contact toward the goal, given the stage reached. */
export function coachingPlan(contact: Contact, goal: Goal | undefined): CoachingPlan {
  const current = STAGES.indexOf(contact.stage);
  const plan = NEXT_STEP[contact.stage];
  const steps = [...plan.steps];
  const chunkIds = [...plan.chunks];
  let lead = `${describeContact(contact)}ですね。`;
  if (goal) {
    const needed = STAGES.indexOf(GOAL_STAGE[goal]);
    if (current < needed) {
      lead += `${goal}の話はまだ少し早いかもしれません。いまは「${contact.stage}」の段階なので、次の一歩から順番に進めましょう。`;
    } else {
      lead += `「${contact.stage}」まで進んでいるなら、${goal}に向けて動いてもよいタイミングです。`;
    }
  } else {
    lead += `いまは「${contact.stage}」の段階です。次の一歩はこんな感じです。`;
  }
  const romantic = goal === '合コン' || goal === '恋愛';
  if (contact.marital === 'married' && romantic) {
    lead = `${describeContact(contact)}は既婚とのことなので、恋愛や合コンの相手として進めるのはおすすめしません。友人・仕事仲間としての関係を大切にしましょう。`;
    steps.splice(0, steps.length, '友人や仕事仲間として、相手の家庭を尊重した付き合い方を続けましょう。', '合コンの人数集めを手伝ってもらうのも、相手が乗り気な場合だけにしましょう。');
  } else if (contact.marital === 'unknown' && romantic && !chunkIds.includes('married-contacts')) {
    steps.push('結婚しているかどうかがまだ分からないなら、先に自然な会話の中で確かめておきましょう。');
    chunkIds.push('married-contacts');
  }
  if (!chunkIds.includes('permission-not-pressure')) chunkIds.push('permission-not-pressure');
  return {
    lead,
    steps,
    chunkIds,
    closing: 'どの段階でも、相手の「いいよ」をもらってから一歩進むのが鉄則です。断られたり返事がなかったりしたら、それ以上は追わないでくださいね。',
  };
}

/** Requests the bot declines: tracking a person, or pushing past their "no". */
const HARMFUL = [
  /(?:住所|自宅|家|勤務先|職場|居場所|位置情報)(?:を|が)?(?:調べ|特定|突き止め|知りたい|探し)/u,
  /尾行|つけ回|待ち伏せ|監視|GPS|スマホを見|SNSを(?:監視|チェックし続け)|裏アカ(?:を)?(?:特定|探)/u,
  /(?:断られ|無視され|ブロックされ|既読スルーされ)(?:た|てる|ている)?(?:けど|のに|が).{0,20}(?:諦めない|もう一度|何度も|しつこく|押し|振り向かせ|誘い続け|説得)/u,
  /(?:無理やり|強引に|しつこく)(?:誘|連れ|飲ませ|付き合わせ)|酔わせて|断れない(?:ように|状況)/u,
];

export function isHarmfulRequest(text: string): boolean {
  const t = text.normalize('NFKC');
  return HARMFUL.some((pattern) => pattern.test(t));
}

export function declineHarmfulRequest(): string {
  return [
    'ごめんなさい、相手の居場所や個人情報を調べることや、断られた相手にさらに押すお手伝いはできません。',
    '相手の「いいえ」や無反応も、大事な答えのひとつです。そこで引ける人のほうが、結果的に信頼されますし、交流会の場でも評判を落とさずにすみます。',
    'もし関係をやり直したいなら、一度だけ丁寧にお詫びやお礼を伝えて、あとは相手からの連絡を待ちましょう。ほかの出会いの場や、自分が楽しめる会に目を向けるのもおすすめです。',
  ].join('\n\n');
}
