// What kind of link a URL is, from its host (and, for a few hosts, its path) — a table, so the
// verdict can use it as a fact: an event platform page, a link shortener that hides where it goes,
// an invitation into another LINE account or group, a personal profile page.

export type LinkKind = 'event-platform' | 'shortener' | 'line-invite' | 'profile' | 'other';

export interface HostRule {
  /** The registrable host; subdomains match too (e.g. xyz.peatix.com, abc.connpass.com). */
  host: string;
  kind: Exclude<LinkKind, 'other'>;
  /** Shown to users: 「Peatix」, 「LINEの友だち追加・グループ招待」… */
  name: string;
  /** When set, only paths starting with one of these are this kind (facebook.com/events/…). */
  paths?: readonly string[];
}

export const LINK_HOSTS: readonly HostRule[] = [
  // Event platforms
  { host: 'peatix.com', kind: 'event-platform', name: 'Peatix' },
  { host: 'connpass.com', kind: 'event-platform', name: 'connpass' },
  { host: 'kokucheese.com', kind: 'event-platform', name: 'こくちーずプロ' },
  { host: 'doorkeeper.jp', kind: 'event-platform', name: 'Doorkeeper' },
  { host: 'doorkeeperhq.com', kind: 'event-platform', name: 'Doorkeeper' },
  { host: 'techplay.jp', kind: 'event-platform', name: 'TECH PLAY' },
  { host: 'eventbrite.com', kind: 'event-platform', name: 'Eventbrite' },
  { host: 'eventbrite.co.jp', kind: 'event-platform', name: 'Eventbrite' },
  { host: 'meetup.com', kind: 'event-platform', name: 'Meetup' },
  { host: 'passmarket.yahoo.co.jp', kind: 'event-platform', name: 'PassMarket' },
  { host: 'jmty.jp', kind: 'event-platform', name: 'ジモティー' },
  { host: 'facebook.com', kind: 'event-platform', name: 'Facebookイベント', paths: ['/events/'] },
  { host: 'fb.me', kind: 'event-platform', name: 'Facebookイベント', paths: ['/e/'] },
  // Link shorteners: the destination is hidden until followed.
  ...[
    'bit.ly',
    'bitly.com',
    't.co',
    'tinyurl.com',
    'is.gd',
    'v.gd',
    'goo.gl',
    'ow.ly',
    'buff.ly',
    'x.gd',
    'cutt.ly',
    'rebrand.ly',
    'shorturl.at',
    't.ly',
    'rb.gy',
    'tiny.cc',
    'amzn.to',
    'urx.blue',
    'urx2.nu',
    'onl.bz',
    'onl.la',
    'onl.sc',
    'qr.paps.jp',
    'u0u1.net',
  ].map((host): HostRule => ({ host, kind: 'shortener', name: '短縮URL' })),
  // An invitation into another LINE account, group or OpenChat.
  { host: 'lin.ee', kind: 'line-invite', name: 'LINE友だち追加' },
  { host: 'line.me', kind: 'line-invite', name: 'LINE友だち追加・グループ招待', paths: ['/R/', '/ti/', '/r/', '/S/'] },
  { host: 'page.line.me', kind: 'line-invite', name: 'LINE公式アカウント' },
  { host: 'liff.line.me', kind: 'line-invite', name: 'LINEミニアプリ' },
  // Personal profile and link-in-bio pages: who someone says they are, not an event.
  { host: 'lit.link', kind: 'profile', name: 'lit.link' },
  { host: 'linktr.ee', kind: 'profile', name: 'Linktree' },
  { host: 'instagram.com', kind: 'profile', name: 'Instagram' },
  { host: 'facebook.com', kind: 'profile', name: 'Facebook' },
  { host: 'tiktok.com', kind: 'profile', name: 'TikTok' },
  { host: 'x.com', kind: 'profile', name: 'X' },
  { host: 'twitter.com', kind: 'profile', name: 'X' },
  { host: 'note.com', kind: 'profile', name: 'note' },
  { host: 'ameblo.jp', kind: 'profile', name: 'アメブロ' },
];

export interface LinkKindFact {
  kind: LinkKind;
  /** The host as written (lower case, no "www."). */
  host: string;
  /** The platform's name from the table, when the host is in it. */
  name?: string;
}

/** The kind of a URL (a string that does not parse as a URL is 'other'). */
export function linkKind(url: string | URL): LinkKindFact {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return { kind: 'other', host: '' };
  }
  const host = parsed.hostname.toLowerCase().replace(/^www\./, '').replace(/\.$/, '');
  for (const rule of LINK_HOSTS) {
    if (host !== rule.host && !host.endsWith(`.${rule.host}`)) continue;
    if (rule.paths && !rule.paths.some((p) => parsed.pathname.startsWith(p))) continue;
    return { kind: rule.kind, host, name: rule.name };
  }
  return { kind: 'other', host };
}
