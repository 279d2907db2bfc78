// `npm run richmenu`: creates the three-button rich menu, uploads its image and makes it the
// default for every user of the channel. Menus left by earlier runs (same name) are deleted.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import { z } from 'zod';

export const RICH_MENU_NAME = 'koryukai-adviser main menu';
export const RICH_MENU_IMAGE_PATH = fileURLToPath(new URL('../../assets/richmenu.png', import.meta.url));
/** LINE's "large" rich menu at its smallest allowed width-to-height ratio. */
export const RICH_MENU_SIZE = { width: 2500, height: 843 } as const;

/** Each button sends the words a user would type, so the chat shows what was asked. */
export function richMenuDefinition(): messagingApi.RichMenuRequest {
  const third = Math.floor(RICH_MENU_SIZE.width / 3);
  const buttons: { label: string; text: string }[] = [
    { label: '招待をチェック', text: '招待文をチェックしたい' },
    { label: 'マナー・戦略', text: '交流会のマナーを教えて' },
    { label: 'わたしの連絡先', text: '連絡先一覧' },
  ];
  return {
    size: { ...RICH_MENU_SIZE },
    selected: true,
    name: RICH_MENU_NAME,
    chatBarText: 'メニュー',
    areas: buttons.map((button, i) => ({
      bounds: {
        x: i * third,
        y: 0,
        width: i === buttons.length - 1 ? RICH_MENU_SIZE.width - i * third : third,
        height: RICH_MENU_SIZE.height,
      },
      action: { type: 'message', label: button.label, text: button.text },
    })),
  };
}

export type RichMenuTarget = {
  channelAccessToken: string;
  /** Messaging API base (menus, default menu). */
  apiBaseUrl: string;
  /** Content API base (image upload): LINE serves it from api-data.line.me. */
  dataApiBaseUrl: string;
};

/** Creates, illustrates and sets the default rich menu; returns its id. */
export async function installRichMenu(target: RichMenuTarget, image: Buffer = readFileSync(RICH_MENU_IMAGE_PATH)): Promise<string> {
  const api = new messagingApi.MessagingApiClient({ channelAccessToken: target.channelAccessToken, baseURL: target.apiBaseUrl });
  const blobs = new messagingApi.MessagingApiBlobClient({ channelAccessToken: target.channelAccessToken, baseURL: target.dataApiBaseUrl });
  const menu = richMenuDefinition();

  await api.validateRichMenuObject(menu);
  const { richMenuId } = await api.createRichMenu(menu);
  await blobs.setRichMenuImage(richMenuId, new Blob([new Uint8Array(image)], { type: 'image/png' }));
  await api.setDefaultRichMenu(richMenuId);

  const { richmenus = [] } = await api.getRichMenuList();
  for (const old of richmenus) {
    if (old.name === RICH_MENU_NAME && old.richMenuId !== richMenuId) await api.deleteRichMenu(old.richMenuId);
  }
  return richMenuId;
}

const url = (fallback: string) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.url({ message: 'must be a URL such as https://host' }).default(fallback));

const envSchema = z.object({
  LINE_CHANNEL_ACCESS_TOKEN: z.string({ message: 'must be set: the channel access token from the LINE Developers console' }).min(1, {
    message: 'must be set: the channel access token from the LINE Developers console',
  }),
  LINE_API_BASE_URL: url('https://api.line.me'),
  LINE_DATA_API_BASE_URL: url('https://api-data.line.me'),
});

/** Reads the target from the environment; the error names the variable that is wrong. */
export function richMenuTargetFromEnv(env: NodeJS.ProcessEnv = process.env): RichMenuTarget {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${String(issue.path[0])} ${issue.message}`);
  }
  return {
    channelAccessToken: parsed.data.LINE_CHANNEL_ACCESS_TOKEN,
    apiBaseUrl: parsed.data.LINE_API_BASE_URL,
    dataApiBaseUrl: parsed.data.LINE_DATA_API_BASE_URL,
  };
}

if (import.meta.main) {
  let target: RichMenuTarget;
  try {
    target = richMenuTargetFromEnv();
  } catch (err) {
    console.error(`configuration error: ${(err as Error).message}`);
    process.exit(2);
  }
  try {
    const id = await installRichMenu(target);
    console.log(`rich menu ${id} created and set as the default`);
  } catch (err) {
    const detail = err instanceof HTTPFetchError ? `LINE answered ${err.status}: ${err.body.slice(0, 300)}` : (err as Error).message;
    console.error(`could not install the rich menu: ${detail}`);
    process.exit(1);
  }
}
