// Event facts from an HTML page (pure: HTML in, facts out). In order of trust: schema.org Event
// JSON-LD (what Peatix, connpass, Doorkeeper, こくちーず publish), OpenGraph, then <title> and the
// main text with scripts, navigation, headers and footers dropped. Also whether the page is a login
// wall rather than the page that was linked.
import { load, type CheerioAPI } from 'cheerio';
import { z } from 'zod';

export type FactsSource = 'json-ld' | 'opengraph' | 'html';

export interface ExtractedFacts {
  title?: string;
  organiser?: string;
  startDate?: string;
  location?: string;
  price?: string;
  description?: string;
  /** Main text of the page, whitespace collapsed, at most `maxText` characters. */
  text: string;
  source: FactsSource;
  siteName?: string;
  loginWall: boolean;
}

export const PAGE_TEXT_LIMIT = 4_000;

// ------------------------------------------------------------------ JSON-LD

const Text = z.union([z.string(), z.number()]).transform(String);
const Named = z.union([Text, z.object({ name: Text.optional() }).passthrough()]);
const Address = z.union([
  Text,
  z
    .object({
      name: Text.optional(),
      streetAddress: Text.optional(),
      addressLocality: Text.optional(),
      addressRegion: Text.optional(),
      postalCode: Text.optional(),
    })
    .passthrough(),
]);
const Place = z.union([
  Text,
  z.object({ name: Text.optional(), address: Address.optional(), url: Text.optional() }).passthrough(),
]);
const Offer = z.object({ price: Text.optional(), priceCurrency: Text.optional(), name: Text.optional() }).passthrough();
const oneOrMany = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema)]);

const EventLd = z
  .object({
    '@type': z.union([z.string(), z.array(z.string())]),
    name: Text.optional(),
    startDate: Text.optional(),
    description: Text.optional(),
    location: oneOrMany(Place).optional(),
    organizer: oneOrMany(Named).optional(),
    offers: oneOrMany(Offer).optional(),
  })
  .passthrough();
type EventLd = z.infer<typeof EventLd>;

/** Every JSON-LD node on the page, with @graph and arrays flattened; unparsable blocks skipped. */
function jsonLdNodes($: CheerioAPI): unknown[] {
  const nodes: unknown[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      nodes.push(value);
      const graph = (value as { '@graph'?: unknown })['@graph'];
      if (graph) visit(graph);
    }
  };
  $('script[type="application/ld+json"]').each((_, el) => {
    try {
      visit(JSON.parse($(el).text()));
    } catch {
      // A broken block is the page's problem; the others still count.
    }
  });
  return nodes;
}

function isEventType(type: string | string[]): boolean {
  const types = Array.isArray(type) ? type : [type];
  // schema.org's Event and its subtypes (BusinessEvent, SocialEvent, EducationEvent, …).
  return types.some((t) => /(^|[/:])\w*Event$/.test(t));
}

function firstEvent($: CheerioAPI): EventLd | undefined {
  for (const node of jsonLdNodes($)) {
    const parsed = EventLd.safeParse(node);
    if (parsed.success && isEventType(parsed.data['@type'])) return parsed.data;
  }
  return undefined;
}

const first = <T>(value: T | T[] | undefined): T | undefined => (Array.isArray(value) ? value[0] : value);

function nameOf(value: z.infer<typeof Named> | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.name;
}

function placeOf(value: z.infer<typeof Place> | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  const address = value.address;
  const addressText =
    address === undefined
      ? undefined
      : typeof address === 'string'
        ? address
        : [address.addressRegion, address.addressLocality, address.streetAddress, address.name].filter(Boolean).join(' ');
  return [value.name, addressText].filter(Boolean).join(' ') || value.url;
}

function priceOf(offers: EventLd['offers']): string | undefined {
  const list = offers === undefined ? [] : Array.isArray(offers) ? offers : [offers];
  const prices = list
    .filter((o) => o.price !== undefined && o.price !== '')
    .map((o) => {
      const currency = o.priceCurrency === 'JPY' ? '円' : o.priceCurrency ? ` ${o.priceCurrency}` : '';
      const amount = /^\d+(\.0+)?$/.test(o.price ?? '') ? Number(o.price).toLocaleString('ja-JP') : (o.price ?? '');
      return `${o.name ? `${o.name} ` : ''}${amount}${currency}`;
    });
  return prices.length > 0 ? prices.join('／') : undefined;
}

// ------------------------------------------------------------------ text

/** Longest single fact kept (a description can be a whole page). */
const FACT_LIMIT = 1_000;

const clean = (text: string | undefined): string | undefined => {
  const t = text?.replace(/\s+/g, ' ').trim();
  if (!t) return undefined;
  return [...t].length > FACT_LIMIT ? `${[...t].slice(0, FACT_LIMIT).join('')}…` : t;
};

function meta($: CheerioAPI, key: string): string | undefined {
  return clean($(`meta[property="${key}"]`).attr('content') ?? $(`meta[name="${key}"]`).attr('content'));
}

/** The main text: <main>/<article> when there is one, else <body>, without chrome and scripts. */
function mainText($: CheerioAPI, limit: number): string {
  $('script, style, noscript, template, svg, iframe, nav, header, footer, aside, form, [role="navigation"], [aria-hidden="true"]').remove();
  const root = $('main').first().length ? $('main').first() : $('article').first().length ? $('article').first() : $('body');
  // Block elements end a line; everything else flows.
  root.find('br, p, div, li, h1, h2, h3, h4, h5, h6, tr, dt, dd, section').each((_, el) => {
    $(el).append('\n');
  });
  const lines = root
    .text()
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0\u3000]+/g, ' ').trim())
    .filter(Boolean);
  const text = lines.join('\n');
  return [...text].length > limit ? [...text].slice(0, limit).join('') : text;
}

// ------------------------------------------------------------------ login walls

const LOGIN_PATHS: readonly { host: string; path: string }[] = [
  { host: 'facebook.com', path: '/login' },
  { host: 'facebook.com', path: '/checkpoint' },
  { host: 'instagram.com', path: '/accounts/login' },
  { host: 'x.com', path: '/i/flow/login' },
  { host: 'twitter.com', path: '/i/flow/login' },
  { host: 'access.line.me', path: '/' },
];

/** Whether a URL is a known login page (the place login walls redirect to). */
export function isLoginUrl(url: URL): boolean {
  const host = url.hostname.toLowerCase().replace(/^(www|m)\./, '');
  return LOGIN_PATHS.some((p) => (host === p.host || host.endsWith(`.${p.host}`)) && url.pathname.startsWith(p.path));
}

const LOGIN_WORDS = ['ログイン', 'サインイン', 'log in', 'login', 'sign in'];

function looksLikeLoginWall($: CheerioAPI, title: string | undefined, text: string): boolean {
  if ($('input[type="password"]').length > 0) return true;
  const t = (title ?? '').toLowerCase();
  // A page titled "log in" with hardly anything else on it is the wall, not the event.
  return LOGIN_WORDS.some((w) => t.includes(w)) && [...text].length < 600;
}

// ------------------------------------------------------------------ all together

export function extractPageFacts(html: string, options: { maxText?: number } = {}): ExtractedFacts {
  const $ = load(html);
  const event = firstEvent($);
  const ogTitle = meta($, 'og:title');
  const ogDescription = meta($, 'og:description') ?? meta($, 'description');
  const siteName = meta($, 'og:site_name');
  const title = clean($('title').first().text());
  const hasPassword = $('input[type="password"]').length > 0;
  const text = mainText($, options.maxText ?? PAGE_TEXT_LIMIT);
  const loginWall = hasPassword || looksLikeLoginWall($, ogTitle ?? title, text);
  const base = { text, loginWall, ...(siteName ? { siteName } : {}) };
  if (event) {
    const facts: ExtractedFacts = { ...base, source: 'json-ld' };
    const set = <K extends keyof ExtractedFacts>(key: K, value: ExtractedFacts[K] | undefined): void => {
      if (value !== undefined && value !== '') facts[key] = value;
    };
    set('title', clean(event.name) ?? ogTitle ?? title);
    set('organiser', clean(nameOf(first(event.organizer))));
    set('startDate', clean(event.startDate));
    set('location', clean(placeOf(first(event.location))));
    set('price', clean(priceOf(event.offers)));
    set('description', clean(event.description) ?? ogDescription);
    return facts;
  }
  if (ogTitle || ogDescription) {
    return {
      ...base,
      source: 'opengraph',
      ...((ogTitle ?? title) ? { title: ogTitle ?? title } : {}),
      ...(ogDescription ? { description: ogDescription } : {}),
    };
  }
  return { ...base, source: 'html', ...(title ? { title } : {}) };
}
