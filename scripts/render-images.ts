// Draws the OCR fixture set, test/fixtures/images/*.png (+ one .jpg phone photo) and its index.json,
// from the sources in scripts/image-sources.ts, by rendering HTML in Debian's chromium with the
// Noto CJK fonts. A development-time tool: run it after changing a source.
//   node scripts/render-images.ts      (needs /usr/bin/chromium and fonts-noto-cjk)
// The photo-like images get their noise, blur and JPEG artefacts from sharp, with a fixed seed, so
// a re-run draws the same pictures.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import {
  SOURCES,
  sourceText,
  type ChatSource,
  type FlyerSource,
  type ImageSource,
  type NoneSource,
  type PhotoSource,
} from './image-sources.ts';

const OUT = join(import.meta.dirname, '..', 'test', 'fixtures', 'images');

/** Some flyers are forwarded small: their text ends up ~14 px high, which OCR must upscale. */
const SMALL = new Set(['flyer-07-design-meetup.png', 'flyer-10-self-growth.png', 'flyer-13-investment.png']);

const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

const SANS = '"Noto Sans CJK JP", sans-serif';
const SERIF = '"Noto Serif CJK JP", serif';

// ------------------------------------------------------------------ flyers

function flyerHtml(f: Omit<FlyerSource, 'kind' | 'file' | 'label'>, zoom = 1): string {
  const { bg, ink, accent } = f.theme;
  const font = f.theme.font === 'serif' ? SERIF : SANS;
  const facts = f.facts.map(([k, v]) => ({ k: esc(k), v: esc(v) }));
  const lines = f.lines.map(esc);
  const base = `
    html, body { margin: 0; background: ${bg}; }
    body { font-family: ${font}; color: ${ink}; zoom: ${zoom}; }
    #card { width: 800px; box-sizing: border-box; padding: 48px 56px; background: ${bg}; }
    .kicker { display: inline-block; padding: 6px 18px; border-radius: 999px; background: ${accent}; color: ${bg}; font-size: 24px; font-weight: 700; }
    h1 { margin: 18px 0 8px; font-size: 58px; line-height: 1.2; font-weight: 900; letter-spacing: 0.02em; }
    .sub { font-size: 28px; font-weight: 700; color: ${accent}; margin-bottom: 28px; }
    .line { font-size: 24px; margin: 10px 0; }
    .footer { margin-top: 26px; font-size: 19px; opacity: 0.85; }`;
  const kicker = f.kicker ? `<div class="kicker">${esc(f.kicker)}</div>` : '';
  const sub = f.sub ? `<div class="sub">${esc(f.sub)}</div>` : '';
  const footer = f.footer ? `<div class="footer">${esc(f.footer)}</div>` : '';
  let css = base;
  let body = '';
  switch (f.layout) {
    case 'headline':
      css += `
        #card { text-align: center; border-top: 18px solid ${accent}; }
        h1 { font-size: 66px; }
        table { margin: 0 auto 24px; border-collapse: collapse; font-size: 26px; text-align: left; }
        th { background: ${accent}; color: ${bg}; padding: 10px 18px; white-space: nowrap; }
        td { padding: 10px 18px; border-bottom: 2px solid ${accent}33; }`;
      body = `${kicker}<h1>${esc(f.headline)}</h1>${sub}
        <table>${facts.map(({ k, v }) => `<tr><th>${k}：</th><td>${v}</td></tr>`).join('')}</table>
        ${lines.map((l) => `<div class="line">${l}</div>`).join('')}${footer}`;
      break;
    case 'columns':
      css += `
        .cols { display: grid; grid-template-columns: 1.15fr 1fr; gap: 28px; align-items: start; }
        dl { margin: 0; font-size: 23px; }
        dt { font-weight: 700; color: ${accent}; margin-top: 12px; }
        dd { margin: 2px 0 0; }
        .panel { border: 3px solid ${accent}; border-radius: 14px; padding: 14px 20px; }
        .panel .line { font-size: 22px; }`;
      body = `${kicker}<h1>${esc(f.headline)}</h1>${sub}
        <div class="cols"><dl>${facts.map(({ k, v }) => `<dt>${k}：</dt><dd>${v}</dd>`).join('')}</dl>
        <div class="panel">${lines.map((l) => `<div class="line">${l}</div>`).join('')}</div></div>${footer}`;
      break;
    case 'boxes':
      css += `
        h1 { background: ${accent}; color: ${bg}; padding: 18px 24px; border-radius: 16px; font-size: 54px; }
        .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin-bottom: 18px; }
        .box { border-radius: 14px; background: ${accent}1f; padding: 14px 18px; font-size: 23px; }
        .box b { display: block; color: ${accent}; font-size: 20px; }`;
      body = `${kicker}<h1>${esc(f.headline)}</h1>${sub}
        <div class="grid">${facts.map(({ k, v }) => `<div class="box"><b>${k}：</b>${v}</div>`).join('')}</div>
        ${lines.map((l) => `<div class="line">・${l}</div>`).join('')}${footer}`;
      break;
    case 'banner':
      css += `
        #card { background: linear-gradient(160deg, ${bg} 0%, ${bg} 80%, ${accent} 80.2%, ${accent} 100%); }
        .kicker { background: ${accent}; color: ${bg}; }
        h1 { font-size: 62px; text-shadow: 0 3px 0 rgba(0,0,0,0.25); }
        .sub { color: ${accent}; }
        .facts { background: rgba(255,255,255,0.12); border-left: 10px solid ${accent}; padding: 12px 22px; font-size: 26px; margin-bottom: 16px; }
        .facts div { margin: 6px 0; }
        .line { font-weight: 700; }`;
      body = `${kicker}<h1>${esc(f.headline)}</h1>${sub}
        <div class="facts">${facts.map(({ k, v }) => `<div>${k}：${v}</div>`).join('')}</div>
        ${lines.map((l) => `<div class="line">${l}</div>`).join('')}${footer}`;
      break;
    case 'vertical':
      css += `
        #card { width: auto; height: 760px; display: inline-block; padding: 56px 48px; writing-mode: vertical-rl;
          border: 10px double ${accent}; }
        h1 { margin: 0 0 0 28px; font-size: 64px; color: ${accent}; }
        .fact { font-size: 30px; margin-left: 16px; }
        .line { font-size: 30px; margin: 0 0 0 16px; }`;
      body = `<h1>${esc(f.headline)}</h1>${facts.map(({ k, v }) => `<div class="fact">${k}：${v}</div>`).join('')}
        ${lines.map((l) => `<div class="line">${l}</div>`).join('')}`;
      break;
  }
  return `<!doctype html><html lang="ja"><meta charset="utf-8"><style>${css}</style><body><div id="card">${body}</div></body></html>`;
}

// ------------------------------------------------------------------ LINE talk screens

const CHAT_CSS = `
  html, body { margin: 0; }
  body { width: 390px; height: 844px; font-family: ${SANS}; background: #8cabd9; display: flex; flex-direction: column; overflow: hidden; }
  .status { height: 44px; display: flex; align-items: center; justify-content: space-between; padding: 0 26px; font-size: 15px; font-weight: 600; background: #f7f7f7; color: #111; }
  .battery { width: 24px; height: 11px; border: 1.5px solid #111; border-radius: 3px; position: relative; }
  .battery::after { content: ""; position: absolute; inset: 1.5px 6px 1.5px 1.5px; background: #111; border-radius: 1px; }
  .bars { display: flex; gap: 2px; align-items: flex-end; margin-right: 6px; }
  .bars i { width: 3px; background: #111; border-radius: 1px; }
  .header { height: 48px; display: flex; align-items: center; gap: 10px; padding: 0 14px 0 10px; background: #f7f7f7; border-bottom: 1px solid #ddd; }
  .header h1 { flex: 1; margin: 0; font-size: 17px; font-weight: 700; color: #111; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .talk { flex: 1; padding: 8px 0 12px; }
  .day { margin: 10px auto 12px; width: max-content; padding: 3px 12px; border-radius: 999px; background: rgba(0,0,0,0.18); color: #fff; font-size: 12px; }
  .row { display: flex; align-items: flex-end; gap: 6px; padding: 4px 12px; }
  .row.me { justify-content: flex-end; }
  .avatar { width: 36px; height: 36px; border-radius: 50%; flex: none; align-self: flex-start; overflow: hidden; }
  .spacer { width: 36px; flex: none; }
  .col { display: flex; flex-direction: column; max-width: 250px; }
  .name { font-size: 11.5px; color: #2c3a4f; margin: 0 0 3px 4px; }
  .bubble { padding: 8px 12px; border-radius: 18px; font-size: 15px; line-height: 1.45; color: #111; overflow-wrap: anywhere; }
  .them .bubble { background: #fff; }
  .me .bubble { background: #85e249; }
  .meta { font-size: 10px; color: #2c3a4f; line-height: 1.3; text-align: right; flex: none; }
  .them .meta { text-align: left; }
  .input { height: 54px; display: flex; align-items: center; gap: 14px; padding: 0 14px; background: #fff; border-top: 1px solid #ddd; }
  .input .box { flex: 1; height: 34px; border-radius: 17px; background: #f1f2f4; }
  .icon { width: 24px; height: 24px; }`;

const ICON_BACK = '<svg class="icon" viewBox="0 0 24 24"><path d="M15 4l-8 8 8 8" fill="none" stroke="#111" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/></svg>';
const ICON_MENU = '<svg class="icon" viewBox="0 0 24 24"><path d="M4 7h16M4 12h16M4 17h16" stroke="#111" stroke-width="2" stroke-linecap="round"/></svg>';
const ICON_SEARCH = '<svg class="icon" viewBox="0 0 24 24"><circle cx="10.5" cy="10.5" r="6" fill="none" stroke="#111" stroke-width="2"/><path d="M15 15l5 5" stroke="#111" stroke-width="2" stroke-linecap="round"/></svg>';
const ICON_PLUS = '<svg class="icon" viewBox="0 0 24 24"><path d="M12 4v16M4 12h16" stroke="#8a8f99" stroke-width="2.2" stroke-linecap="round"/></svg>';
const ICON_CAMERA = '<svg class="icon" viewBox="0 0 24 24"><rect x="3" y="7" width="18" height="13" rx="3" fill="none" stroke="#8a8f99" stroke-width="2"/><circle cx="12" cy="13.5" r="3.5" fill="none" stroke="#8a8f99" stroke-width="2"/></svg>';

function avatarSvg(colour: string): string {
  // A face-less "photo": a coloured sky and a silhouette, as profile pictures tend to be.
  return `<svg class="avatar" viewBox="0 0 36 36"><rect width="36" height="36" fill="${colour}"/>
    <circle cx="18" cy="14" r="7" fill="rgba(255,255,255,0.75)"/><path d="M5 36c2-9 7-12 13-12s11 3 13 12z" fill="rgba(255,255,255,0.75)"/></svg>`;
}

function chatHtml(c: ChatSource): string {
  const rows = c.messages
    .map((m, i) => {
      const first = i === 0 || c.messages[i - 1]?.from !== m.from || c.messages[i - 1]?.name !== m.name;
      const bubble = `<div class="bubble">${esc(m.text)}</div>`;
      if (m.from === 'me') {
        return `<div class="row me"><div class="meta">既読<br>${m.time}</div><div class="col">${bubble}</div></div>`;
      }
      const name = c.group && first && m.name ? `<div class="name">${esc(m.name)}</div>` : '';
      return `<div class="row them">${first ? avatarSvg(c.avatar) : '<div class="spacer"></div>'}
        <div class="col">${name}${bubble}</div><div class="meta">${m.time}</div></div>`;
    })
    .join('');
  return `<!doctype html><html lang="ja"><meta charset="utf-8"><style>${CHAT_CSS}</style><body>
    <div class="status"><span>9:41</span><span style="display:flex;align-items:center"><span class="bars"><i style="height:4px"></i><i style="height:6px"></i><i style="height:8px"></i><i style="height:10px"></i></span><span class="battery"></span></span></div>
    <div class="header">${ICON_BACK}<h1>${esc(c.title)}</h1>${ICON_SEARCH}${ICON_MENU}</div>
    <div class="talk"><div class="day">${esc(c.day)}</div>${rows}</div>
    <div class="input">${ICON_PLUS}${ICON_CAMERA}<div class="box"></div></div>
  </body></html>`;
}

// ------------------------------------------------------------------ photo-like and text-less scenes

function photoHtml(p: PhotoSource): string {
  const flyer = flyerHtml(p.flyer)
    .replace(/^[\s\S]*<style>/, '')
    .replace(/<\/style>[\s\S]*$/, '');
  const inner = flyerHtml(p.flyer).replace(/^[\s\S]*<body>/, '').replace(/<\/body>[\s\S]*$/, '');
  return `<!doctype html><html lang="ja"><meta charset="utf-8"><style>${flyer}
    html, body { background: none; }
    body { zoom: 1; width: 1000px; height: 880px; margin: 0; overflow: hidden; position: relative;
      background: repeating-linear-gradient(87deg, #8a5a35 0 14px, #946340 14px 22px, #7d5131 22px 40px); }
    .stage { position: absolute; left: 60px; top: 80px; perspective: 1400px; }
    #card { transform: rotateX(16deg) rotateY(-6deg) rotateZ(-3.5deg); transform-origin: 50% 100%;
      box-shadow: 18px 26px 30px rgba(0,0,0,0.45); }
    .light { position: absolute; inset: 0; background: radial-gradient(ellipse at 30% 20%, rgba(255,250,230,0.22), rgba(0,0,0,0.28) 75%); pointer-events: none; }
  </style><body><div class="stage">${inner}</div><div class="light"></div></body></html>`;
}

function noneHtml(n: NoneSource): string {
  const page = (w: number, h: number, svg: string, bg = '#fff') =>
    `<!doctype html><html><meta charset="utf-8"><style>html,body{margin:0;background:${bg}}body{width:${w}px;height:${h}px;overflow:hidden}</style><body>${svg}</body></html>`;
  switch (n.scene) {
    case 'landscape':
      return page(
        960,
        640,
        `<svg width="960" height="640" viewBox="0 0 960 640">
          <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#1d3b6e"/><stop offset="0.55" stop-color="#f08a5d"/><stop offset="1" stop-color="#fcd581"/></linearGradient>
          <linearGradient id="lake" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f3a06a"/><stop offset="1" stop-color="#2b3f63"/></linearGradient></defs>
          <rect width="960" height="640" fill="url(#sky)"/><circle cx="640" cy="330" r="46" fill="#ffe8a3"/>
          <path d="M0 380 L140 250 L260 340 L380 200 L520 360 L650 260 L800 350 L960 240 L960 420 L0 420Z" fill="#3c3252"/>
          <path d="M0 420 L180 330 L330 410 L470 320 L640 420 L800 340 L960 410 L960 450 L0 450Z" fill="#272240"/>
          <rect y="450" width="960" height="190" fill="url(#lake)"/>
          <rect x="610" y="470" width="60" height="6" fill="#ffe8a3" opacity="0.6"/><rect x="595" y="495" width="90" height="5" fill="#ffe8a3" opacity="0.4"/></svg>`,
      );
    case 'sticker':
      return page(
        520,
        520,
        `<svg width="520" height="520" viewBox="0 0 520 520">
          <g stroke="#3b2a20" stroke-width="10" stroke-linejoin="round">
          <circle cx="150" cy="140" r="62" fill="#c98b5a"/><circle cx="370" cy="140" r="62" fill="#c98b5a"/>
          <circle cx="150" cy="140" r="28" fill="#f2c9a0" stroke-width="0"/><circle cx="370" cy="140" r="28" fill="#f2c9a0" stroke-width="0"/>
          <ellipse cx="260" cy="290" rx="190" ry="170" fill="#d99a66"/>
          <ellipse cx="260" cy="350" rx="82" ry="62" fill="#f6dcc0"/></g>
          <circle cx="190" cy="270" r="17" fill="#3b2a20"/><circle cx="330" cy="270" r="17" fill="#3b2a20"/>
          <circle cx="196" cy="263" r="6" fill="#fff"/><circle cx="336" cy="263" r="6" fill="#fff"/>
          <ellipse cx="260" cy="327" rx="24" ry="16" fill="#3b2a20"/>
          <path d="M230 370 Q260 398 290 370" fill="none" stroke="#3b2a20" stroke-width="8" stroke-linecap="round"/>
          <ellipse cx="150" cy="330" rx="28" ry="16" fill="#f28b8b" opacity="0.7"/><ellipse cx="370" cy="330" rx="28" ry="16" fill="#f28b8b" opacity="0.7"/>
          <path d="M430 70 l14 30 30 14 -30 14 -14 30 -14 -30 -30 -14 30 -14z" fill="#ffd23f" stroke="#3b2a20" stroke-width="6"/></svg>`,
        '#ffffff',
      );
    case 'desk':
      return page(
        900,
        640,
        `<svg width="900" height="640" viewBox="0 0 900 640">
          <defs><pattern id="wood" width="900" height="26" patternUnits="userSpaceOnUse"><rect width="900" height="26" fill="#b07a4a"/><rect y="18" width="900" height="3" fill="#9c683c"/><rect y="7" width="900" height="2" fill="#c08a58"/></pattern>
          <radialGradient id="shade" cx="0.35" cy="0.3" r="0.9"><stop offset="0" stop-color="#fff" stop-opacity="0.18"/><stop offset="1" stop-color="#000" stop-opacity="0.35"/></radialGradient></defs>
          <rect width="900" height="640" fill="url(#wood)"/>
          <g transform="rotate(-6 360 300)"><rect x="170" y="150" width="400" height="260" rx="14" fill="#c9ccd1"/><rect x="190" y="168" width="360" height="220" rx="6" fill="#1e2530"/>
          <rect x="150" y="410" width="440" height="26" rx="10" fill="#aeb2b8"/></g>
          <circle cx="720" cy="170" r="62" fill="#f4f1ea"/><circle cx="720" cy="170" r="46" fill="#5a3a22"/><path d="M782 160 q40 10 0 30" fill="none" stroke="#f4f1ea" stroke-width="14"/>
          <g transform="rotate(8 700 460)"><rect x="610" y="360" width="200" height="250" rx="6" fill="#fbfaf5"/>
          <path d="M630 400h160M630 430h160M630 460h160M630 490h160M630 520h160M630 550h160" stroke="#cfd8e3" stroke-width="3"/></g>
          <rect x="90" y="520" width="230" height="12" rx="6" fill="#1f4fa3" transform="rotate(-18 200 526)"/>
          <circle cx="95" cy="110" r="60" fill="#2f7a3b"/><circle cx="60" cy="80" r="36" fill="#3f9150"/><circle cx="125" cy="70" r="34" fill="#46a05a"/>
          <rect width="900" height="640" fill="url(#shade)"/></svg>`,
      );
  }
}

// ------------------------------------------------------------------ noise and artefacts

/** A deterministic generator (mulberry32), so the noise is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function addSensorNoise(png: Buffer, amount: number, seed: number): Promise<sharp.Sharp> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const random = rng(seed);
  for (let i = 0; i < data.length; i += 3) {
    // Luminance noise shared by the channels plus a little chroma noise, as phone sensors give.
    const l = (random() + random() + random() - 1.5) * amount;
    for (let c = 0; c < 3; c++) {
      const v = (data[i + c] ?? 0) + l + (random() - 0.5) * amount * 0.4;
      data[i + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } });
}

// ------------------------------------------------------------------ driver

async function shoot(page: Page, html: string, selector: string | null): Promise<Buffer> {
  await page.setContent(html);
  await page.evaluate(() => document.fonts.ready);
  if (selector) return (await page.locator(selector).screenshot({ type: 'png' })) as Buffer;
  return (await page.screenshot({ type: 'png', fullPage: true })) as Buffer;
}

async function render(page: Page, source: ImageSource): Promise<Buffer> {
  switch (source.kind) {
    case 'flyer':
      return shoot(page, flyerHtml(source, SMALL.has(source.file) ? 0.55 : 1), '#card');
    case 'chat':
      return shoot(page, chatHtml(source), null);
    case 'photo': {
      const shot = await shoot(page, photoHtml(source), 'body');
      const noisy = await addSensorNoise(await sharp(shot).blur(0.9).png().toBuffer(), 16, 7);
      // A phone photo arrives as a JPEG, rotated by a degree or two and a bit soft.
      return noisy.rotate(1.5, { background: '#5a3a22' }).jpeg({ quality: 58 }).toBuffer();
    }
    case 'none': {
      const shot = await shoot(page, noneHtml(source), 'svg');
      if (source.scene === 'sticker') return sharp(shot).png({ palette: true }).toBuffer();
      const noisy = await addSensorNoise(shot, source.scene === 'desk' ? 7 : 3, 11);
      return noisy.png({ palette: true, quality: 80, effort: 10 }).toBuffer();
    }
  }
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
});
try {
  mkdirSync(OUT, { recursive: true });
  const flyers = await browser.newPage({ viewport: { width: 1000, height: 1200 }, deviceScaleFactor: 1 });
  const phones = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const index: { file: string; kind: string; label: string; text: string }[] = [];
  for (const source of SOURCES) {
    const bytes = await render(source.kind === 'chat' ? phones : flyers, source);
    writeFileSync(join(OUT, source.file), bytes);
    index.push({ file: source.file, kind: source.kind, label: source.label, text: sourceText(source) });
    const meta = await sharp(bytes).metadata();
    console.log(`${source.file}  ${meta.width}×${meta.height}  ${Math.round(bytes.length / 1024)} KB`);
  }
  writeFileSync(join(OUT, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  console.log(`wrote ${index.length} images and index.json to ${OUT}`);
} finally {
  await browser.close();
}
