// The simulator page in Debian's headless chromium: a person forwards an invitation, reads the
// verdict card, taps a button and reads the follow-up, sends a link and an image — all through the
// real webhook path.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountSimulator, type SimulatorEntry } from '../src/simulator/routes.ts';
import { type RunningBot, startBot } from './support/bot-server.ts';
import { LineApiRecorder } from './support/line-recorder.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const haveTesseract = spawnSync('tesseract', ['--version']).status === 0;
let pages: Server;
let pagesHost = '';
const SCREENSHOT = 'test-results/simulator.png';

const TRAP_INVITATION = [
  '久しぶり！元気にしてる？',
  '今度の日曜の朝7時から、成功してる経営者の先輩が主催する朝活があるんだけど来ない？参加費は無料だよ。',
  '不労所得の仕組みも教えてもらえるし、終わったら先輩の事務所に移動してお茶する予定。',
  '誰か友達も誘ってきてね！詳しいことは会ってから話すね。',
].join('\n');

const VERDICT_LABELS = /安全そう|注意|危険の可能性大/;

let bot: RunningBot;
let context: BrowserContext;
let page: Page;
let profileDir: string;
const pageErrors: string[] = [];

const botRows = () => page.locator('[data-testid=bot-row]');
const userRows = () => page.locator('[data-testid=user-row]');

describe.skipIf(!haveChromium)(
  haveChromium ? 'the simulator page' : `the simulator page (skipped: ${CHROMIUM} is missing — apt-get install chromium)`,
  () => {
    beforeAll(async () => {
      // An event page on loopback, which the bot may read because LINK_ALLOW_HOSTS names it.
      pages = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(readFileSync(new URL('./fixtures/pages/event-jsonld.html', import.meta.url)));
      });
      await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', () => resolve()));
      pagesHost = `127.0.0.1:${(pages.address() as AddressInfo).port}`;
      // Local mode: no LINE credentials, so the bot's Messaging API calls are captured in-process.
      bot = await startBot({ LINE_CHANNEL_SECRET: undefined, LINE_CHANNEL_ACCESS_TOKEN: undefined, LINK_ALLOW_HOSTS: pagesHost }, { extraRoutes: mountSimulator });
      profileDir = mkdtempSync(join(tmpdir(), 'kab-chromium-'));
      context = await chromium.launchPersistentContext(profileDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
        viewport: { width: 1200, height: 1000 },
        locale: 'ja-JP',
      });
      page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(err.message));
      await page.goto(`${bot.url}/`);
    });

    afterAll(async () => {
      await context?.close();
      if (profileDir) rmSync(profileDir, { recursive: true, force: true });
      await bot?.stop();
      await new Promise<void>((resolve) => pages?.close(() => resolve()));
    });

    it('opens like a LINE chat with the bot: its name in the header and a welcome message', async () => {
      await expect.poll(() => page.locator('.talk-header__title').textContent()).toBe('交流会の先輩');
      await botRows().first().waitFor();
      expect(await botRows().first().textContent()).toContain('友だち追加ありがとうございます');
      expect(await page.locator('.quick-reply').count()).toBeGreaterThanOrEqual(3);
    });

    it('shows a forwarded invitation as the user’s message and answers with a verdict card', async () => {
      await page.fill('#forward-text', TRAP_INVITATION);
      await page.click('#forward-send');
      await userRows().filter({ hasText: '詳しいことは会ってから話すね' }).waitFor();
      const card = page.locator('[data-testid=flex-bubble]').last();
      await card.waitFor({ timeout: 15_000 });
      expect(await card.textContent()).toMatch(VERDICT_LABELS);
      expect(await card.textContent()).toMatch(/危険の可能性大|注意/);
    });

    it('shows the turn in the developer panel: intent, verdict flags and the knowledge they rest on', async () => {
      await expect.poll(() => page.locator('[data-testid=dev-intent]').textContent()).toBe('judge');
      const panel = page.locator('#dev-latest');
      expect(await panel.locator('.flags li').count()).toBeGreaterThan(0);
      expect(await panel.locator('.flag-dot--red').count()).toBeGreaterThan(0);
      expect(await panel.locator('.chunks .chunk-id').count()).toBeGreaterThan(0);
    });

    it('keeps a screenshot of the verdict card as a test artifact', async () => {
      mkdirSync('test-results', { recursive: true });
      // The card is taller than the talk; show it from its verdict down, as a user scrolling up would.
      const card = page.locator('[data-testid=flex-bubble]').last();
      await card.evaluate((node) => node.closest('.row')?.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: SCREENSHOT });
      expect(existsSync(SCREENSHOT)).toBe(true);
    });

    it('answers a tapped button on the card with a follow-up about the same invitation', async () => {
      const buttons = page.locator('[data-testid=flex-bubble]').last().locator('button');
      await buttons.first().waitFor();
      const label = (await buttons.first().textContent())?.trim() ?? '';
      const before = await botRows().count();
      await buttons.first().click();
      await expect.poll(() => botRows().count(), { timeout: 15_000 }).toBeGreaterThan(before);
      expect(await userRows().last().textContent()).toContain(label);
      expect(await page.locator('[data-testid=dev-intent]').textContent()).toMatch(/^verdict-/);
      expect(await botRows().last().textContent()).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    });

    it('gives a new user a conversation of their own, and brings the first one back when switched back', async () => {
      const firstUser = await page.locator('#user-id').textContent();
      await page.click('#user-new');
      await expect.poll(() => page.locator('#user-id').textContent()).not.toBe(firstUser);
      await botRows().first().waitFor();
      expect(await page.locator('[data-testid=flex-bubble]').count()).toBe(0);
      expect(await botRows().first().textContent()).toContain('友だち追加ありがとうございます');

      await page.selectOption('#user-select', firstUser!);
      await page.locator('[data-testid=flex-bubble]').first().waitFor();
      expect(await userRows().filter({ hasText: '詳しいことは会ってから話すね' }).count()).toBe(1);
    });

    it('sends what is typed in the message box, as a LINE user would', async () => {
      const before = await botRows().count();
      await page.fill('#composer-input', 'カフェ会ってどんな感じ？');
      await page.press('#composer-input', 'Enter');
      await userRows().filter({ hasText: 'カフェ会ってどんな感じ？' }).waitFor();
      await expect.poll(() => botRows().count(), { timeout: 15_000 }).toBeGreaterThan(before);
      expect(await page.inputValue('#composer-input')).toBe('');
    });

    it('sends a link to an event page and answers with a verdict card that says it read the page', async () => {
      const before = await page.locator('[data-testid=flex-bubble]').count();
      await page.fill('#composer-input', `このイベントどうかな？ http://${pagesHost}/event/42`);
      await page.press('#composer-input', 'Enter');
      await expect.poll(() => page.locator('[data-testid=flex-bubble]').count(), { timeout: 15_000 }).toBeGreaterThan(before);
      expect(await page.locator('[data-testid=flex-bubble]').last().textContent()).toMatch(VERDICT_LABELS);
      await expect.poll(() => botRows().last().textContent(), { timeout: 5_000 }).toContain(`リンク先（${pagesHost.split(':')[0]}）`);
    });

    it.skipIf(!haveTesseract)('sends an image of a flyer and answers with a verdict card quoting what it read', async () => {
      const before = await page.locator('[data-testid=flex-bubble]').count();
      await page.setInputFiles('#composer-image', new URL('./fixtures/images/flyer-11-income-seminar.png', import.meta.url).pathname);
      await userRows().filter({ hasText: '画像' }).last().waitFor();
      await expect.poll(() => page.locator('[data-testid=flex-bubble]').count(), { timeout: 20_000 }).toBeGreaterThan(before);
      expect(await page.locator('[data-testid=flex-bubble]').last().textContent()).toMatch(/危険の可能性大|注意/);
      await expect.poll(() => botRows().last().textContent(), { timeout: 5_000 }).toContain('画像の文字を読み取って');
    });

    it('runs without script errors in the page', () => {
      expect(pageErrors).toEqual([]);
    });
  },
);

/** Reads the page's event stream until `done` holds over the entries seen, then closes it. */
async function streamEntries(
  baseUrl: string,
  userId: string,
  done: (entries: SimulatorEntry[]) => boolean,
): Promise<SimulatorEntry[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 10_000);
  const res = await fetch(`${baseUrl}/simulator/stream?userId=${userId}`, { signal: abort.signal });
  const entries: SimulatorEntry[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (/^event: entry$/m.test(block) && data) entries.push(JSON.parse(data) as SimulatorEntry);
      }
      if (done(entries)) break;
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return entries;
}

describe('the simulator over HTTP', () => {
  let local: RunningBot;
  beforeAll(async () => {
    local = await startBot({ LINE_CHANNEL_SECRET: undefined, LINE_CHANNEL_ACCESS_TOKEN: undefined }, { extraRoutes: mountSimulator });
  });
  afterAll(() => local.stop());

  const send = (body: unknown, baseUrl = local.url) =>
    fetch(`${baseUrl}/simulator/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('serves the chat page at / in local mode', async () => {
    const res = await fetch(`${local.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('交流会の先輩');
  });

  it('turns a new user’s first message into a follow and a text event, and streams the bot’s LINE replies', async () => {
    const userId = 'UsimHttpFirstMessage';
    expect((await send({ userId, text: 'カフェ会ってどんな感じ？' })).status).toBe(200);
    const entries = await streamEntries(local.url, userId, (e) => e.filter((x) => x.kind === 'bot').length >= 2);
    expect(entries.map((e) => e.kind).slice(0, 2)).toEqual(['follow', 'user-text']);
    const bot = entries.filter((e) => e.kind === 'bot');
    expect(bot.map((b) => b.via)).toEqual(['reply', 'reply']);
    const welcome = bot[0]!.messages[0]!;
    expect(welcome.type === 'text' ? welcome.text : '').toContain('友だち追加ありがとうございます');
    expect(entries.some((e) => e.kind === 'turn' && e.input.text === 'カフェ会ってどんな感じ？')).toBe(true);
  });

  it('sends a tapped postback as a postback event', async () => {
    const userId = 'UsimHttpPostback';
    await send({ userId });
    expect((await send({ userId, postback: 'action=help', displayText: '使い方' })).status).toBe(200);
    const entries = await streamEntries(local.url, userId, (e) => e.some((x) => x.kind === 'turn'));
    expect(entries.find((e) => e.kind === 'user-postback')).toMatchObject({ data: 'action=help', displayText: '使い方' });
    expect(entries.find((e) => e.kind === 'turn')).toMatchObject({ input: { postback: 'action=help' } });
  });

  it('refuses user ids that could belong to a real LINE user', async () => {
    const res = await send({ userId: 'U4af4980629a0b1c2d3e4f5a6b7c8d9e0', text: 'こんにちは' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('Usim');
  });

  it('refuses a message that is both text and postback', async () => {
    expect((await send({ userId: 'UsimHttpBoth', text: 'a', postback: 'action=why' })).status).toBe(400);
  });

  it('refuses to send when the bot’s answers would go to the real Messaging API', async () => {
    const recorder = await new LineApiRecorder().start();
    const withChannel = await startBot({ LINE_API_BASE_URL: recorder.url }, { extraRoutes: mountSimulator });
    try {
      const res = await send({ userId: 'UsimHttpRealChannel', text: 'こんにちは' }, withChannel.url);
      expect(res.status).toBe(503);
      expect(recorder.requests).toHaveLength(0);
    } finally {
      await withChannel.stop();
      await recorder.stop();
    }
  });
});
