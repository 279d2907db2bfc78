// Draws assets/richmenu.png (2500×843, the rich menu `npm run richmenu` installs) by rendering
// an HTML page in Debian's chromium. A development-time tool: run it after changing the menu.
//   node scripts/richmenu-image.ts      (needs /usr/bin/chromium and a Japanese font, e.g. fonts-noto-cjk)
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { RICH_MENU_IMAGE_PATH, RICH_MENU_SIZE, richMenuDefinition } from '../src/line/richmenu.ts';

const ICONS = [
  // a magnifier with a check mark: judge an invitation
  '<circle cx="44" cy="44" r="26" fill="none" stroke="#fff" stroke-width="9"/><path d="M63 63l20 20" stroke="#fff" stroke-width="11" stroke-linecap="round"/><path d="M32 45l9 9 17-19" fill="none" stroke="#fff" stroke-width="8" stroke-linecap="round" stroke-linejoin="round"/>',
  // two speech balloons: ask about etiquette
  '<path d="M14 22h46a8 8 0 018 8v24a8 8 0 01-8 8H36l-14 12V62h-8a8 8 0 01-8-8V30a8 8 0 018-8z" fill="#fff"/><path d="M74 38h8a8 8 0 018 8v22a8 8 0 01-8 8h-4v11l-13-11H50a8 8 0 01-8-8v-2h22a10 10 0 0010-10z" fill="#fff" opacity="0.75"/>',
  // a contact card: the people you met
  '<rect x="10" y="20" width="76" height="56" rx="9" fill="#fff"/><circle cx="34" cy="42" r="9" fill="#06c755"/><path d="M20 66c2-10 8-14 14-14s12 4 14 14z" fill="#06c755"/><path d="M56 40h20M56 52h20M56 64h12" stroke="#06c755" stroke-width="6" stroke-linecap="round"/>',
];
const CAPTIONS = ['届いた誘いを見極める', '交流会の疑問を相談', '知り合いとの距離を確認'];

function page(): string {
  const areas = richMenuDefinition().areas ?? [];
  const cells = areas
    .map(
      (area, i) => `
      <div class="cell" style="left:${area.bounds?.x}px;width:${area.bounds?.width}px">
        <div class="icon"><svg viewBox="0 0 96 96" width="190" height="190">${ICONS[i]}</svg></div>
        <div class="label">${'label' in (area.action ?? {}) ? String((area.action as { label?: string }).label) : ''}</div>
        <div class="caption">${CAPTIONS[i]}</div>
      </div>`,
    )
    .join('');
  return `<!doctype html><html lang="ja"><meta charset="utf-8"><style>
    html, body { margin: 0; }
    body { width: ${RICH_MENU_SIZE.width}px; height: ${RICH_MENU_SIZE.height}px; position: relative; overflow: hidden;
      background: linear-gradient(#ffffff, #f3f7f4); font-family: "Noto Sans CJK JP", "Noto Sans JP", sans-serif; }
    .cell { position: absolute; top: 0; height: 100%; display: flex; flex-direction: column; align-items: center; justify-content: center; }
    .cell + .cell { border-left: 4px solid #e3e8e5; }
    .icon { width: 300px; height: 300px; border-radius: 50%; background: #06c755; display: grid; place-items: center;
      box-shadow: 0 10px 24px rgba(6, 199, 85, 0.28); }
    .label { margin-top: 56px; white-space: nowrap; font-size: 96px; font-weight: 700; color: #1f2933; letter-spacing: 0.02em; }
    .caption { margin-top: 18px; font-size: 54px; color: #5b6670; }
  </style><body>${cells}</body></html>`;
}

const profile = await mkdtemp(join(tmpdir(), 'richmenu-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  viewport: { ...RICH_MENU_SIZE },
  deviceScaleFactor: 1,
});
try {
  const tab = await browser.newPage();
  await tab.setContent(page());
  await tab.evaluate(() => document.fonts.ready);
  mkdirSync(dirname(RICH_MENU_IMAGE_PATH), { recursive: true });
  await tab.screenshot({ path: RICH_MENU_IMAGE_PATH, type: 'png' });
  console.log(`wrote ${RICH_MENU_IMAGE_PATH}`);
} finally {
  await browser.close();
  await rm(profile, { recursive: true, force: true });
}
