// The verdict as the user sees it: a Flex Message card, a short text, and the follow-up answers
// ("なぜ？", "どう断る？", "参加するなら気をつけること") composed from the stored verdict alone.
import type { messagingApi } from '@line/bot-sdk';
import { ruleById } from './flags.ts';
import type { Flag, LineMessage, QuickReplyItem, Verdict, VerdictLevel } from './types.ts';

/** LINE rejects alt text over 400 characters and text messages over 5,000. */
export const ALT_TEXT_MAX = 400;
export const TEXT_MAX = 5000;

export const LEVEL_LABEL: Record<VerdictLevel, string> = {
  legit: '安全そう',
  caution: '注意',
  'likely-trap': '危険の可能性大',
};

export const LEVEL_COLOR: Record<VerdictLevel, { background: string; text: string }> = {
  legit: { background: '#1E8E3E', text: '#FFFFFF' },
  caution: { background: '#F9A825', text: '#3E2723' },
  'likely-trap': { background: '#C62828', text: '#FFFFFF' },
};

const LEVEL_SUMMARY: Record<VerdictLevel, string> = {
  legit: '主催や中身がはっきりしていて、まともな会に見えます。',
  caution: '判断材料が足りないか、気になる点があります。確かめてから決めましょう。',
  'likely-trap': '勧誘やお金のトラブルにつながるサインが出ています。',
};

/** The follow-up buttons; postback data is a query string the conversation layer parses. */
export const VERDICT_FOLLOW_UPS = [
  { label: 'なぜ？', data: 'action=why' },
  { label: 'どう断る？', data: 'action=decline' },
  { label: '参加するなら気をつけること', data: 'action=precautions' },
] as const;

const CARD_RED_MAX = 5;
const CARD_GREEN_MAX = 4;
const CARD_ADVICE_MAX = 4;

const reds = (v: Verdict) => v.flags.filter((f) => f.kind === 'red');
const greens = (v: Verdict) => v.flags.filter((f) => f.kind === 'green');

function clamp(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function scoreText(score: number): string {
  return score > 0 ? `+${score}` : String(score);
}

function postback(label: string, data: string): messagingApi.PostbackAction {
  return { type: 'postback', label, data, displayText: label };
}

function flagRows(flags: readonly Flag[], mark: string, markColor: string): messagingApi.FlexComponent[] {
  return flags.map(
    (flag): messagingApi.FlexBox => ({
      type: 'box',
      layout: 'vertical',
      margin: 'md',
      contents: [
        { type: 'text', text: `${mark} ${flag.label}`, size: 'sm', weight: 'bold', wrap: true, color: markColor },
        { type: 'text', text: `「${flag.evidence}」`, size: 'xs', color: '#666666', wrap: true, margin: 'xs' },
      ],
    }),
  );
}

function sectionTitle(text: string): messagingApi.FlexText {
  return { type: 'text', text, size: 'sm', weight: 'bold', color: '#333333', margin: 'lg' };
}

/** The verdict card: a bubble coloured by level, flags with evidence, advice and three buttons. */
export function buildVerdictCard(verdict: Verdict): messagingApi.FlexMessage {
  const color = LEVEL_COLOR[verdict.level];
  const redFlags = reds(verdict).slice(0, CARD_RED_MAX);
  const greenFlags = greens(verdict).slice(0, CARD_GREEN_MAX);
  const body: messagingApi.FlexComponent[] = [
    { type: 'text', text: LEVEL_SUMMARY[verdict.level], size: 'sm', wrap: true, color: '#333333' },
  ];
  if (redFlags.length > 0) body.push(sectionTitle('気になる点'), ...flagRows(redFlags, '🚩', '#C62828'));
  if (greenFlags.length > 0) body.push(sectionTitle('安心材料'), ...flagRows(greenFlags, '✅', '#1E8E3E'));
  body.push(
    { type: 'separator', margin: 'lg' },
    sectionTitle('次にやること'),
    ...verdict.advice.slice(0, CARD_ADVICE_MAX).map(
      (line): messagingApi.FlexText => ({ type: 'text', text: `・${line}`, size: 'sm', wrap: true, margin: 'sm' }),
    ),
    {
      type: 'text',
      text: '※目安としての判定で、法的な判断ではありません。困ったら消費者ホットライン188へ。',
      size: 'xxs',
      color: '#888888',
      wrap: true,
      margin: 'lg',
    },
  );
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    size: 'mega',
    header: {
      type: 'box',
      layout: 'vertical',
      backgroundColor: color.background,
      paddingAll: 'lg',
      contents: [
        { type: 'text', text: `判定：${LEVEL_LABEL[verdict.level]}`, weight: 'bold', size: 'xl', color: color.text },
        {
          type: 'text',
          text: `リスクスコア ${scoreText(verdict.score)}（気になる点 ${reds(verdict).length}・安心材料 ${greens(verdict).length}）`,
          size: 'xs',
          color: color.text,
          margin: 'sm',
          wrap: true,
        },
      ],
    },
    body: { type: 'box', layout: 'vertical', contents: body },
    footer: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: VERDICT_FOLLOW_UPS.map(
        (b, i): messagingApi.FlexButton =>
          i === 0
            ? { type: 'button', style: 'primary', color: color.background, height: 'sm', action: postback(b.label, b.data) }
            : { type: 'button', style: 'secondary', height: 'sm', action: postback(b.label, b.data) },
      ),
    },
  };
  return { type: 'flex', altText: verdictAltText(verdict), contents: bubble };
}

/** The card as plain text (notifications, old clients, the CLI): at most 400 characters. */
export function verdictAltText(verdict: Verdict): string {
  const lines = [`【判定：${LEVEL_LABEL[verdict.level]}】${LEVEL_SUMMARY[verdict.level]}`];
  const redFlags = reds(verdict).slice(0, 3);
  if (redFlags.length > 0) lines.push(`気になる点：${redFlags.map((f) => f.label).join('／')}`);
  const greenFlags = greens(verdict).slice(0, 3);
  if (greenFlags.length > 0) lines.push(`安心材料：${greenFlags.map((f) => f.label).join('／')}`);
  if (verdict.advice[0]) lines.push(`次にやること：${verdict.advice[0]}`);
  lines.push('理由は「なぜ？」、断り方は「どう断る？」で聞けます。');
  let text = lines.join('\n');
  while (text.length > ALT_TEXT_MAX && lines.length > 2) {
    lines.splice(lines.length - 2, 1);
    text = lines.join('\n');
  }
  return clamp(text, ALT_TEXT_MAX);
}

/** The short message sent with the card; it carries the follow-ups as quick replies. */
export function verdictCompanionText(verdict: Verdict): string {
  const top = reds(verdict)[0];
  switch (verdict.level) {
    case 'likely-trap':
      return `正直に言うと、この誘いはかなり危ないサインが出ています（${top?.label ?? '気になる点あり'}）。その場で契約やお金の話には乗らないでくださいね。理由は「なぜ？」、断り方は「どう断る？」で説明します。`;
    case 'caution':
      return `今の情報だけだと、安心とは言い切れない誘いです${top ? `（${top.label}）` : ''}。主催者と目的を文字で確かめてから決めましょう。気になることがあれば下のボタンからどうぞ。`;
    case 'legit':
      return 'パッと見、まともな会に見えます。とはいえ会場で勧誘されたら、その場では決めないでくださいね。準備のコツは「参加するなら気をつけること」で聞けます。';
  }
}

export function verdictQuickReplies(): QuickReplyItem[] {
  return VERDICT_FOLLOW_UPS.map((b) => ({ type: 'action', action: postback(b.label.slice(0, 20), b.data) }));
}

/** The reply to an invitation: the card, then a short text carrying quick replies. */
export function verdictMessages(verdict: Verdict): LineMessage[] {
  return [
    buildVerdictCard(verdict),
    { type: 'text', text: clamp(verdictCompanionText(verdict), TEXT_MAX), quickReply: { items: verdictQuickReplies() } },
  ];
}

// ---------------------------------------------------------------- follow-ups

const LEGAL_NOTE =
  '※これは一般的な目安で、法的な判断ではありません。契約やお金のことで困ったら消費者ホットライン「188」（近くの消費生活センターにつながります）、法律の判断が必要なときは弁護士に相談してください。';

function whyOf(flag: Flag): string {
  return ruleById(flag.id)?.why ?? '文面から読み取れる気になる点です。';
}

/** The LLM's explanation, when the stored verdict carries one (see llm-verdict.ts). */
function llmExplanation(verdict: Verdict): string | undefined {
  const explanation: unknown = (verdict as Verdict & { explanation?: unknown }).explanation;
  return typeof explanation === 'string' && explanation.trim() !== '' ? explanation.trim() : undefined;
}

/** "なぜ？": each flag, the words that raised it, and what the knowledge says about it. */
export function explainVerdict(verdict: Verdict): string {
  const parts: string[] = [`判定は「${LEVEL_LABEL[verdict.level]}」です（リスクスコア ${scoreText(verdict.score)}）。そう判断した理由を順に説明しますね。`];
  const explanation = llmExplanation(verdict);
  if (explanation) parts.push(clamp(explanation, 1200));
  const describe = (flag: Flag, mark: string) =>
    `${mark} ${flag.label}\n「${flag.evidence}」\n→ ${whyOf(flag)}（出典：${flag.source}）`;
  const redFlags = reds(verdict);
  const greenFlags = greens(verdict);
  if (redFlags.length > 0) parts.push(`【気になる点】\n${redFlags.map((f) => describe(f, '🚩')).join('\n\n')}`);
  if (greenFlags.length > 0) parts.push(`【安心材料】\n${greenFlags.map((f) => describe(f, '✅')).join('\n\n')}`);
  if (verdict.flags.length === 0) {
    parts.push('文面からは、はっきりした危険サインも安心材料も見つかりませんでした。情報が少ないこと自体が判断しづらい点なので、主催者・会場・参加費・目的を確かめてみてください。');
  }
  switch (verdict.level) {
    case 'likely-trap':
      parts.push('気になる点の中に、勧誘やお金のトラブルでよく見られる強いサインがあります。安心材料があっても、このサインがある限り「危険の可能性大」としています。');
      break;
    case 'caution':
      parts.push('決定的なサインはありませんが、安心と言い切れる材料も足りません。主催者と目的を文字で確かめてから決めるのがおすすめです。');
      break;
    case 'legit':
      parts.push('主催者や中身が確かめられる材料がそろっているので、まともな会と見ています。');
      break;
  }
  parts.push(LEGAL_NOTE);
  return clamp(parts.join('\n\n'), TEXT_MAX);
}

const PITCH_FAMILY = new Set([
  'mlm-named',
  'selling-purpose',
  'risky-products',
  'income-promise',
  'referral-rewards',
  'pitch-after-activity',
  'second-venue',
  'money-seminar',
  'successful-person',
  'vague-good-story',
  'upfront-payment',
  'sign-pressure',
  'borrowing',
  'hidden-purpose',
]);

/** "どう断る？": ready-to-send lines that fit the flags, and how to hold the line. */
export function howToDecline(verdict: Verdict): string {
  const has = (id: string) => verdict.flags.some((f) => f.id === id);
  const pitch = verdict.flags.some((f) => f.kind === 'red' && PITCH_FAMILY.has(f.id));
  const lines: string[] = [];
  lines.push(
    verdict.level === 'legit'
      ? '行かないと決めたなら、シンプルに伝えれば大丈夫です。まともな会なら、断っても角は立ちません。'
      : '断ってOKです。相手との関係を気にして、理由を長く説明する必要はありません。',
  );
  const templates: string[] = ['「誘ってくれてありがとう！でも今回は参加を見送るね。」'];
  if (pitch) templates.push('「ありがとう。でも、ビジネスや投資の話には参加しないって決めてるんだ。ごめんね。」');
  if (has('religious-opener')) templates.push('「ごめんね、そういう集まりには参加しないことにしてるんだ。」');
  if (has('romance-purchase') || has('sns-money-talk')) {
    templates.push('「お金や契約の話になるなら、会うのはやめておきます。」');
  }
  if (has('early-morning-self-help') || has('attendance-duty') || has('forced-referrals') || has('noisy-line-group')) {
    templates.push('「今は仕事と生活で手いっぱいなので、定期的な会には入らないことにしています。」');
  }
  lines.push(`そのまま使える言い方：\n${templates.map((t) => `・${t}`).join('\n')}`);
  lines.push(
    [
      'コツ：',
      '・理由は一つで十分。「考えておく」は期待を持たせるので、はっきり「参加しない」と伝えましょう。',
      '・しつこく誘われたら、同じ言葉をくり返すか、返信しない・ブロックするのも立派な選択です。',
      '・その場で迫られたら「今日は何も決めません」と言って帰ってかまいません。',
    ].join('\n'),
  );
  if (verdict.level !== 'legit') {
    lines.push('もし契約してしまっても、マルチ商法なら契約書面を受け取ってから20日間はクーリング・オフができます（書面かメールで通知し、控えを残す）。');
    if (has('romance-purchase')) lines.push('恋愛感情につけこんだ契約は、消費者契約法で取り消せる場合もあります。');
  }
  lines.push(LEGAL_NOTE);
  return clamp(lines.join('\n\n'), TEXT_MAX);
}

/** "参加するなら気をつけること": before, during and after, tuned to the flags. */
export function precautionsFor(verdict: Verdict): string {
  const has = (id: string) => verdict.flags.some((f) => f.id === id);
  const intro: Record<VerdictLevel, string> = {
    'likely-trap': '正直おすすめはしませんが、どうしても行くなら次のことを守ってください。',
    caution: '行くなら、次の点を押さえておけば安心度がぐっと上がります。',
    legit: 'まともな会に見えますが、念のため次のことを意識しておくと安心です。',
  };
  const before = [
    '主催者名・会社名・会の目的を、LINEやメールなど文字で確認しておく',
    '公式ページや過去の開催の様子を調べておく',
  ];
  if (verdict.level !== 'legit') before.push('行き先と帰る時間を家族や友人に伝えておく');
  if (has('attendance-duty') || has('early-morning-self-help') || has('membership-fee')) {
    before.push('出席のルール、年会費などの総額、やめるときの手続きを先に聞いておく');
  }
  const bring = ['印鑑・通帳・クレジットカードは持っていかない。現金も必要な分だけ'];
  const during = [
    '勧誘や売り込みが始まったら、途中で帰ってかまいません',
    '二次会や「別の場所」「いつもの所」への移動には付いていかない',
    'その場で契約・入会・申込みをしない。「持ち帰って考えます」でOK',
    '連絡先の交換は名刺までにして、LINEは相手を見極めてから',
  ];
  if (has('no-solicitation-rules') || has('rules-enforced')) during.push('勧誘されたら、その場で運営スタッフに伝えましょう');
  if (has('religious-opener')) during.push('団体名が分からないうちは、住所や連絡先を渡さない');
  const after = [
    'しつこい連絡やLINEグループは、通知を切るか抜けてかまいません',
    '契約してしまったら、マルチ商法なら書面を受け取ってから20日以内はクーリング・オフできます',
    '困ったら消費者ホットライン「188」へ',
  ];
  if (verdict.level === 'legit') {
    during.unshift('名刺は多めに。話したい相手や聞きたいことを一つ決めておくと収穫が大きくなります');
  }
  const block = (title: string, items: string[]) => `【${title}】\n${items.map((i) => `・${i}`).join('\n')}`;
  return clamp(
    [intro[verdict.level], block('行く前', before), block('持ち物', bring), block('当日', during), block('あとで', after), LEGAL_NOTE].join('\n\n'),
    TEXT_MAX,
  );
}
