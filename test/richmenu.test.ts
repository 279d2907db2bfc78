// `npm run richmenu` against loopback stand-ins for LINE's two API hosts.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installRichMenu, RICH_MENU_IMAGE_PATH, RICH_MENU_NAME, RICH_MENU_SIZE, type RichMenuTarget } from '../src/line/richmenu.ts';
import { LineApiRecorder } from './support/line-recorder.ts';

const run = promisify(execFile);
const TOKEN = 'test-access-token';
const NEW_ID = 'richmenu-0000000000000000000000000000new';

let api: LineApiRecorder;
let data: LineApiRecorder;
let target: RichMenuTarget;

type MenuBody = {
  size: { width: number; height: number };
  name: string;
  chatBarText: string;
  areas: { bounds: { x: number; y: number; width: number; height: number }; action: { type: string; label: string; text: string } }[];
};

beforeAll(async () => {
  api = await new LineApiRecorder().start();
  data = await new LineApiRecorder().start();
  target = { channelAccessToken: TOKEN, apiBaseUrl: api.url, dataApiBaseUrl: data.url };
});
afterAll(async () => {
  await api.stop();
  await data.stop();
});
afterEach(() => {
  api.clear();
  data.clear();
});

function scriptLine(existing: { richMenuId: string; name: string }[] = []): void {
  api.script('/v2/bot/richmenu', { status: 200, body: { richMenuId: NEW_ID } });
  api.script('/v2/bot/richmenu/list', { status: 200, body: { richmenus: [...existing, { richMenuId: NEW_ID, name: RICH_MENU_NAME }] } });
}

function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('the rich menu', () => {
  it('has three buttons that together cover its whole 2500×843 image', async () => {
    scriptLine();
    await installRichMenu(target);
    const menu = api.to('/v2/bot/richmenu')[0]!.body as MenuBody;
    expect(menu.size).toEqual({ width: 2500, height: 843 });
    expect(menu.areas).toHaveLength(3);
    expect(menu.areas.reduce((sum, a) => sum + a.bounds.width * a.bounds.height, 0)).toBe(2500 * 843);
    expect(menu.areas.map((a) => a.bounds.x)).toEqual([0, 833, 1666]);
  });

  it('offers invitation check, etiquette questions and my contacts, each sending words the user can read', async () => {
    scriptLine();
    await installRichMenu(target);
    const menu = api.to('/v2/bot/richmenu')[0]!.body as MenuBody;
    expect(menu.areas.map((a) => a.action.type)).toEqual(['message', 'message', 'message']);
    expect(menu.areas.map((a) => a.action.label)).toEqual(['招待をチェック', 'マナー・戦略', 'わたしの連絡先']);
    expect(menu.areas.map((a) => a.action.text)).toEqual(['招待文をチェックしたい', '交流会のマナーを教えて', '連絡先一覧']);
    expect(menu.chatBarText).toBe('メニュー');
  });

  it('is validated by LINE before it is created', async () => {
    scriptLine();
    await installRichMenu(target);
    const paths = api.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths.indexOf('POST /v2/bot/richmenu/validate')).toBeLessThan(paths.indexOf('POST /v2/bot/richmenu'));
    expect(api.to('/v2/bot/richmenu/validate')[0]!.body).toEqual(api.to('/v2/bot/richmenu')[0]!.body);
  });

  it('uploads the PNG kept in the repository to the content API host, not the messaging host', async () => {
    scriptLine();
    await installRichMenu(target);
    const image = readFileSync(RICH_MENU_IMAGE_PATH);
    expect(pngSize(image)).toEqual(RICH_MENU_SIZE);
    const [upload] = data.to(`/v2/bot/richmenu/${NEW_ID}/content`);
    expect(upload!.headers['content-type']).toBe('image/png');
    expect(Number(upload!.headers['content-length'])).toBe(image.length);
    expect(upload!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(api.requests.some((r) => r.path.endsWith('/content'))).toBe(false);
  });

  it('becomes the default menu for every user once its image is in place', async () => {
    scriptLine();
    const id = await installRichMenu(target);
    expect(id).toBe(NEW_ID);
    expect(api.to(`/v2/bot/user/all/richmenu/${NEW_ID}`).map((r) => r.method)).toEqual(['POST']);
    expect(data.requests).toHaveLength(1);
  });

  it('deletes menus left by earlier runs and leaves other menus alone', async () => {
    scriptLine([
      { richMenuId: 'richmenu-old', name: RICH_MENU_NAME },
      { richMenuId: 'richmenu-campaign', name: 'spring campaign' },
    ]);
    await installRichMenu(target);
    const deleted = api.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
    expect(deleted).toEqual(['/v2/bot/richmenu/richmenu-old']);
  });
});

describe('npm run richmenu', () => {
  const script = new URL('../src/line/richmenu.ts', import.meta.url).pathname;
  const env = (extra: Record<string, string>) => {
    const base: Record<string, string> = { PATH: process.env.PATH ?? '' };
    return { ...base, ...extra };
  };

  it('installs the menu with the environment’s token and base URLs and says which menu it set', async () => {
    scriptLine();
    const { stdout } = await run(process.execPath, [script], {
      env: env({ LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: api.url, LINE_DATA_API_BASE_URL: data.url }),
    });
    expect(stdout).toContain(NEW_ID);
    expect(api.to(`/v2/bot/user/all/richmenu/${NEW_ID}`)).toHaveLength(1);
  });

  it('stops with status 2 and names the missing token when it is not set', async () => {
    const failed = await run(process.execPath, [script], { env: env({}) }).catch((err: { code: number; stderr: string }) => err);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toMatch(/LINE_CHANNEL_ACCESS_TOKEN/);
    expect(api.requests).toHaveLength(0);
  });

  it('exits 1 with LINE’s answer when LINE refuses the menu', async () => {
    api.script('/v2/bot/richmenu/validate', { status: 400, body: { message: 'The request body has 1 error(s)' } });
    const failed = await run(process.execPath, [script], {
      env: env({ LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: api.url, LINE_DATA_API_BASE_URL: data.url }),
    }).catch((err: { code: number; stderr: string }) => err);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain('LINE answered 400');
    expect(api.to('/v2/bot/richmenu')).toHaveLength(0);
  });
});
