// Fixed replies that need no knowledge lookup: welcome, group introduction, non-text messages.
import type { LineMessage, QuickReplyItem } from '../adviser/types.ts';

export const quickReply = (label: string, text: string = label): QuickReplyItem => ({
  type: 'action',
  action: { type: 'message', label: label.slice(0, 20), text },
});

/** The three jobs of the bot, offered wherever a user might not know what to ask. */
export const mainMenuQuickReplies: QuickReplyItem[] = [
  quickReply('招待をチェック', '招待文をチェックしたい'),
  quickReply('マナー・戦略を相談', '交流会のマナーを教えて'),
  quickReply('知り合いとの距離', '交流会で知り合った人ともっと仲良くなるには？'),
  quickReply('使い方', 'ヘルプ'),
];

export function welcomeMessages(): LineMessage[] {
  return [
    {
      type: 'text',
      text: [
        '友だち追加ありがとうございます！交流会によく顔を出している先輩として、気軽に相談に乗ります。',
        'できることは3つです。',
        '① 招待の見極め：届いた誘いや告知文をそのまま転送してください。「安全そう／注意／危険の可能性大」と、その理由をお返しします。',
        '② マナーと戦略：異業種交流会・カフェ会・朝活の選び方、名刺交換のあとのフォローなど、何でも聞いてください。',
        '③ 知り合った人との距離の縮め方：相手の気持ちを大切にしながら、食事や飲み会に誘うまでを一緒に考えます。',
        '※法律の判断が必要なときは、消費者ホットライン188や弁護士への相談もご案内します。',
      ].join('\n\n'),
      quickReply: { items: mainMenuQuickReplies },
    },
  ];
}

export function joinMessages(): LineMessage[] {
  return [
    {
      type: 'text',
      text: 'グループに招待ありがとうございます。交流会の誘いの見極めやマナーの相談役です。グループでは、私をメンションするか「先輩、」で始めて話しかけてくださいね。ほかの会話には口をはさみません。',
    },
  ];
}

export function nonTextMessages(kind: string): LineMessage[] {
  const what = kind === 'sticker' ? 'スタンプありがとうございます！' : 'ありがとうございます。ただ、画像やファイルの中身はまだ読めません。';
  return [
    {
      type: 'text',
      text: `${what}\n招待の見極めなら、誘いのメッセージや告知文をテキストのまま転送（またはコピーして貼り付け）してください。交流会のマナーや戦略の質問も文章でどうぞ。`,
      quickReply: { items: mainMenuQuickReplies },
    },
  ];
}

export function rateLimitedMessages(): LineMessage[] {
  return [
    {
      type: 'text',
      text: '少し立て続けにメッセージをいただいたので、ひと息つかせてください。10分ほどしてからもう一度送ってもらえると、しっかりお答えできます。',
    },
  ];
}
