// Where a turn's intent is decided: plain rules over the text and what the bot remembers.

export type Intent =
  | 'help'
  | 'greeting'
  | 'thanks'
  | 'command-reset'
  | 'command-delete'
  | 'command-delete-confirm'
  | 'command-delete-cancel'
  | 'stale-button'
  | 'contacts-list'
  | 'contact-delete'
  | 'contact-report'
  | 'coaching'
  | 'harmful-request'
  | 'invitation-prompt'
  | 'invitation'
  | 'verdict-why'
  | 'verdict-decline'
  | 'verdict-precautions'
  | 'followup'
  | 'question';

/** What the intent rules may look at from memory. */
export type IntentContext = {
  now: number;
  lastVerdictAt?: number | undefined;
  lastTopicAt?: number | undefined;
  pendingInvitationAt?: number | undefined;
};

/** Questions the rules put to the specialised modules, so this file stays about conversation. */
export type IntentProbes = {
  invitationLike: (text: string) => boolean;
  contactReport: (text: string) => boolean;
  mentionsKnownContact: (text: string) => boolean;
  harmful: (text: string) => boolean;
};

/** A verdict or topic older than this is not what "なぜ？" refers to. */
export const FOLLOWUP_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Messages pasted within this window are parts of one invitation. */
export const INVITATION_WINDOW_MS = 30 * 60 * 1000;

const HELP = /^(?:ヘルプ|へるぷ|使い方|つかいかた|help|メニュー|何ができる(?:の)?[?？]?|できることは[?？]?)$/i;
const RESET = /^(?:リセット|会話をリセット|最初から|やり直し)$/;
const DELETE_ALL = /^(?:データを?削除|全部削除|すべて削除|全データ削除|データを消して)$/;
const CONTACTS_LIST = /^(?:連絡先一覧|連絡先リスト|知り合い一覧|コンタクト一覧|私の連絡先|わたしの連絡先|マイ連絡先)$/;
const CONTACT_DELETE = /^(.{1,12}?)(?:さん|くん|君|ちゃん)?(?:を|の記録を|のデータを)(?:削除|消して|忘れて)$/;
const GREETING = /^(?:こんにちは|こんばんは|おはよう(?:ございます)?|はじめまして|よろしく(?:お願いします)?|やあ|hi|hello)[!！。.]*$/i;
const THANKS = /^(?:ありがとう(?:ございます|ございました)?|助かりました|了解(?:です)?|わかりました|OK|おけ)[!！。.]*$/i;
const INVITATION_PROMPT = /(?:招待|誘い|告知)(?:文|の?メッセージ)?を?(?:チェック|見て|判定|確認)/;
const WHY = /^(?:なぜ|なんで|どうして|理由は?|根拠は?)(?:ですか|なの)?[?？]*$|(?:判定|結果|評価)の?(?:理由|根拠)|なぜ(?:危険|注意|安全)/;
const DECLINE = /どう断る|断り方|断りたい|(?:角が立たない|上手に)断/;
const PRECAUTIONS = /参加するなら|気をつけること|注意点|行くなら/;
const FOLLOWUP = /^(?:それ(?:って)?(?:どういうこと|本当|ほんと|なぜ|なんで)|なんで[?？]*|なぜ[?？]*|どうして[?？]*|じゃあどうすれば(?:いい)?|もう少し詳しく|詳しく|具体的には)/;
/** "Is this OK?" asked about something pasted just before. */
const LEGITIMACY_QUESTION = /大丈夫|怪しい|あやしい|ヤバ|やば|安全|危ない|信用|詐欺|マルチ|勧誘|行くべき|行っても|参加して(?:も)?(?:いい|平気)|どう思う|判定/;

export function normalizeInput(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

const within = (at: number | undefined, now: number, windowMs: number) => at !== undefined && now - at <= windowMs;

/** The name in 「田中さんを削除」, or undefined when the text is not that command. */
export function contactToDelete(text: string): string | undefined {
  const t = normalizeInput(text);
  if (DELETE_ALL.test(t)) return undefined;
  return CONTACT_DELETE.exec(t)?.[1];
}

/** Decides what a text turn is about. */
export function classifyIntent(rawText: string, ctx: IntentContext, probes: IntentProbes): Intent {
  const text = normalizeInput(rawText);
  if (HELP.test(text)) return 'help';
  if (RESET.test(text)) return 'command-reset';
  if (DELETE_ALL.test(text)) return 'command-delete';
  if (CONTACTS_LIST.test(text)) return 'contacts-list';
  if (contactToDelete(text) !== undefined) return 'contact-delete';
  if (GREETING.test(text)) return 'greeting';
  if (THANKS.test(text)) return 'thanks';
  if (probes.harmful(text)) return 'harmful-request';

  const hasVerdict = within(ctx.lastVerdictAt, ctx.now, FOLLOWUP_WINDOW_MS);
  // "なぜ？" refers to whatever the bot said last: the verdict, or a later answer.
  const verdictIsLatest = hasVerdict && (ctx.lastVerdictAt ?? 0) >= (ctx.lastTopicAt ?? 0);
  if (hasVerdict && text.length <= 40) {
    if (DECLINE.test(text)) return 'verdict-decline';
    if (PRECAUTIONS.test(text)) return 'verdict-precautions';
    if (verdictIsLatest && WHY.test(text)) return 'verdict-why';
  }
  if (probes.invitationLike(rawText)) return 'invitation';
  // "これ大丈夫？" right after a pasted invitation asks about that invitation.
  if (within(ctx.pendingInvitationAt, ctx.now, INVITATION_WINDOW_MS) && text.length <= 40 && LEGITIMACY_QUESTION.test(text)) {
    return 'invitation';
  }
  if (INVITATION_PROMPT.test(text) && text.length <= 30) return 'invitation-prompt';
  if (probes.contactReport(text)) return 'contact-report';
  if (probes.mentionsKnownContact(text)) return 'coaching';
  if (within(ctx.lastTopicAt, ctx.now, FOLLOWUP_WINDOW_MS) && text.length <= 25 && FOLLOWUP.test(text)) return 'followup';
  if (verdictIsLatest && text.length <= 25 && FOLLOWUP.test(text)) return 'verdict-why';
  return 'question';
}

export type PostbackAction = { action: string; session?: string | undefined; name?: string | undefined };

/** Postback data is a query string: action=why&s=<session>. */
export function parsePostback(data: string): PostbackAction {
  const params = new URLSearchParams(data);
  return { action: params.get('action') ?? '', session: params.get('s') ?? undefined, name: params.get('name') ?? undefined };
}

export function intentFromPostback(postback: PostbackAction, currentSession: string): Intent {
  // Buttons from a conversation that was reset or deleted must not act on the new one.
  if (postback.session !== undefined && postback.session !== currentSession) return 'stale-button';
  switch (postback.action) {
    case 'why':
      return 'verdict-why';
    case 'decline':
      return 'verdict-decline';
    case 'precautions':
      return 'verdict-precautions';
    case 'delete-confirm':
      return 'command-delete-confirm';
    case 'delete-cancel':
      return 'command-delete-cancel';
    case 'reset':
      return 'command-reset';
    case 'contacts':
      return 'contacts-list';
    default:
      return 'help';
  }
}
