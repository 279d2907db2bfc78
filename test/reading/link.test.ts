// Reading a forwarded link: the guard (refused addresses never connected to), the caps, and the
// event facts read from saved pages served by a loopback server. Every connection in this file
// goes to 127.0.0.1; names that stand for other addresses are answered by an injected lookup, and
// a spy on net.Socket#connect proves that a refused hop never opened a socket.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { classifyAddress, embeddedIpv4 } from '../../src/reading/address-guard.ts';
import {
  findUrls,
  isAllowedHost,
  LinkFetchError,
  linkKind,
  LinkRefusedError,
  LinkTooLargeError,
  LoginWallError,
  NotHtmlError,
  parseAllowHosts,
  readLink,
  type LookupAll,
  type ReadLinkOptions,
} from '../../src/reading/link.ts';
import { extractPageFacts } from '../../src/reading/page-facts.ts';

const PAGES = join(import.meta.dirname, '..', 'fixtures', 'pages');
const page = (name: string): Buffer => readFileSync(join(PAGES, name));

// ------------------------------------------------------------------ the loopback site

let server: Server;
let base = '';
let allow: string[] = [];
const seen: { path: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push({ path, headers: req.headers });
    const html = (body: Buffer | string, type = 'text/html; charset=utf-8'): void => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    };
    const redirect = (to: string, status = 302): void => {
      res.writeHead(status, { location: to });
      res.end();
    };
    switch (path) {
      case '/event':
        return html(page('event-jsonld.html'));
      case '/og':
        return html(page('opengraph-only.html'));
      case '/plain':
        return html(page('plain.html'));
      case '/sjis':
        return html(page('kokucheese-sjis.html'), 'text/html');
      case '/login':
        return html(page('login-wall.html'));
      case '/json':
        return html(page('event.json'), 'application/json');
      case '/pdf':
        return html('%PDF-1.4', 'application/pdf');
      case '/xhtml':
        return html(page('plain.html'), 'application/xhtml+xml');
      case '/missing':
        res.writeHead(404, { 'content-type': 'text/html' });
        return res.end('<title>Not found</title>');
      // Three hops, mixing absolute and relative locations: allowed.
      case '/r1':
        return redirect(`${base}/r2`, 301);
      case '/r2':
        return redirect('/r3', 302);
      case '/r3':
        return redirect('/event', 307);
      // Four hops: one too many.
      case '/r0':
        return redirect('/r1');
      case '/to-private':
        return redirect('http://intranet.test/admin');
      case '/to-metadata':
        return redirect('http://169.254.169.254/latest/meta-data/');
      case '/to-peatix':
        // peatix.com is answered by the test's DNS stand-in with 127.0.0.1 and allowed on this port.
        return redirect(`http://peatix.com:${(server.address() as AddressInfo).port}/event`);
      case '/to-ftp':
        return redirect('ftp://files.example.com/flyer.pdf');
      case '/to-fb-login':
        return redirect('https://www.facebook.com/login/?next=https%3A%2F%2Fwww.facebook.com%2Fevents%2F1');
      case '/set-cookie':
        res.writeHead(302, { location: '/echo', 'set-cookie': 'session=abc123; Path=/' });
        return res.end();
      case '/echo':
        return html('<title>echo</title><p>ok</p>');
      case '/gzip': {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip' });
        return res.end(gzipSync(page('plain.html')));
      }
      case '/big': {
        // 1.2 MB without a Content-Length: the reader must stop itself at the cap.
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        const chunk = `<p>${'交流会のご案内。'.repeat(200)}</p>\n`;
        let sent = 0;
        const pump = (): void => {
          while (sent < 1_200_000) {
            sent += Buffer.byteLength(chunk);
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        return pump();
      }
      case '/big-declared':
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(5_000_000) });
        return res.write('<p>'); // the declared length alone is enough to refuse
      case '/slow':
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.write('<title>slow</title>'); // …and never ends
      case '/hang':
        return; // no answer at all
      default:
        res.writeHead(404);
        return res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  allow = [`127.0.0.1:${port}`];
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Spies on every TCP connection attempt; returns the addresses tried. */
function watchConnections(): { hosts: () => string[] } {
  const spy = vi.spyOn(Socket.prototype, 'connect');
  return {
    hosts: () =>
      spy.mock.calls.map((args) => {
        // net.createConnection passes its normalised arguments as one array: [options, listener].
        const first: unknown = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
        if (first && typeof first === 'object' && 'host' in first) return String((first as { host?: unknown }).host);
        return String(first);
      }),
  };
}

/** A DNS stand-in: names to addresses, nothing else resolves. */
function fakeDns(table: Record<string, string[]>): LookupAll & { asked: string[] } {
  const asked: string[] = [];
  const lookup = Object.assign(
    async (hostname: string) => {
      asked.push(hostname);
      const addresses = table[hostname];
      if (!addresses) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return addresses.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));
    },
    { asked },
  );
  return lookup;
}

const options = (extra: ReadLinkOptions = {}): ReadLinkOptions => ({ allowHosts: allow, ...extra });

async function refusal(promise: Promise<unknown>): Promise<LinkRefusedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LinkRefusedError);
  return error as LinkRefusedError;
}

// ------------------------------------------------------------------ the guard

describe('the address guard refuses before connecting', () => {
  const refusedNames: Record<string, string[]> = {
    'ten.test': ['10.1.2.3'],
    'oneseventwo.test': ['172.16.5.4'],
    'oneseventwo-top.test': ['172.31.255.254'],
    'home.test': ['192.168.1.1'],
    'linklocal.test': ['169.254.10.20'],
    'metadata.test': ['169.254.169.254'],
    'metadata6.test': ['fd00:ec2::254'],
    'ula.test': ['fc00::1'],
    'ipv6-linklocal.test': ['fe80::1'],
    'ipv6-loopback.test': ['::1'],
    'mapped-loopback.test': ['::ffff:127.0.0.1'],
    'mapped-private.test': ['::ffff:10.0.0.1'],
    'nat64-metadata.test': ['64:ff9b::a9fe:a9fe'],
    'sixtofour-private.test': ['2002:c0a8:0101::1'],
    'cgnat.test': ['100.64.0.1'],
    'unspecified.test': ['0.0.0.0'],
    'unspecified6.test': ['::'],
    'multicast.test': ['224.0.0.251'],
    'multicast6.test': ['ff02::1'],
    'loopback.test': ['127.0.0.1'],
    'loopback-other.test': ['127.8.9.10'],
    // One good address does not excuse a bad one: every answer is checked.
    'mixed.test': ['93.184.215.14', '10.0.0.7'],
  };
  const lookup = fakeDns(refusedNames);

  for (const [name, addresses] of Object.entries(refusedNames)) {
    it(`refuses ${name} (${addresses.join(', ')}) without opening a socket`, async () => {
      const connections = watchConnections();
      const error = await refusal(readLink(`http://${name}/event`, { lookup }));
      expect(error.reason).toBe('address');
      expect(connections.hosts()).toEqual([]);
    });
  }

  const literals = [
    'http://10.0.0.1/',
    'http://192.168.0.10:8080/',
    'http://172.20.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://[::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:7f00:1]/',
    'http://127.0.0.1/',
    'http://0.0.0.0/',
    'http://2130706433/', // 127.0.0.1 as one number: the URL parser normalises it first
    'http://0x7f.1/', // and in hex
  ];
  for (const url of literals) {
    it(`refuses the address literal ${url} without looking it up or connecting`, async () => {
      const connections = watchConnections();
      const dns = fakeDns({});
      const error = await refusal(readLink(url, { lookup: dns }));
      expect(error.reason).toBe('address');
      expect(dns.asked).toEqual([]);
      expect(connections.hosts()).toEqual([]);
    });
  }

  it('refuses a name that does not resolve', async () => {
    const error = await refusal(readLink('https://nowhere.test/', { lookup: fakeDns({}) }));
    expect(error.reason).toBe('unresolvable');
  });

  it('refuses localhost unless it is allowed', async () => {
    const connections = watchConnections();
    const error = await refusal(readLink('http://localhost:9/', { lookup: fakeDns({ localhost: ['127.0.0.1', '::1'] }) }));
    expect(error.reason).toBe('address');
    expect(connections.hosts()).toEqual([]);
  });

  it('fetches only http and https', async () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<p>x</p>', 'gopher://example.com/']) {
      expect((await refusal(readLink(url, options()))).reason).toBe('scheme');
    }
    expect((await refusal(readLink('not a url', options()))).reason).toBe('bad-url');
  });

  it('refuses credentials in the URL', async () => {
    expect((await refusal(readLink(`http://user:pass@127.0.0.1:1/`, options()))).reason).toBe('credentials');
  });

  it('refuses a redirect to a private name at that hop, after the first hop only', async () => {
    const connections = watchConnections();
    const lookup = fakeDns({ 'intranet.test': ['10.20.30.40'] });
    const error = await refusal(readLink(`${base}/to-private`, options({ lookup })));
    expect(error.reason).toBe('address');
    expect(lookup.asked).toEqual(['intranet.test']);
    expect(connections.hosts()).toEqual(['127.0.0.1']);
  });

  it('refuses a redirect to the metadata address at that hop', async () => {
    const connections = watchConnections();
    const error = await refusal(readLink(`${base}/to-metadata`, options()));
    expect(error.reason).toBe('address');
    expect(error.message).toContain('metadata');
    expect(connections.hosts()).toEqual(['127.0.0.1']);
  });

  it('refuses a redirect to another scheme', async () => {
    expect((await refusal(readLink(`${base}/to-ftp`, options()))).reason).toBe('scheme');
  });

  it('follows three redirects and refuses the fourth', async () => {
    const facts = await readLink(`${base}/r1`, options());
    expect(facts.redirects).toBe(3);
    expect(facts.finalUrl).toBe(`${base}/event`);
    expect(facts.title).toBe('フリーランスのための契約トラブル予防講座');
    const error = await refusal(readLink(`${base}/r0`, options()));
    expect(error.reason).toBe('redirects');
  });

  it('lets an allowed host through only on its own port', () => {
    expect(isAllowedHost(new URL('http://127.0.0.1:8080/'), ['127.0.0.1:8080'])).toBe(true);
    expect(isAllowedHost(new URL('http://127.0.0.1:8081/'), ['127.0.0.1:8080'])).toBe(false);
    expect(isAllowedHost(new URL('http://intranet.local/'), ['intranet.local'])).toBe(true);
    expect(isAllowedHost(new URL('https://intranet.local:8443/'), ['intranet.local'])).toBe(true);
    expect(parseAllowHosts(' 127.0.0.1:3000, Intranet.Local ,')).toEqual(['127.0.0.1:3000', 'intranet.local']);
    expect(parseAllowHosts(undefined)).toEqual([]);
  });
});

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['93.184.215.14', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['10.255.255.255', 'private'],
    ['172.15.255.255', 'public'],
    ['172.16.0.0', 'private'],
    ['172.32.0.0', 'public'],
    ['192.168.100.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.0.1', 'link-local'],
    ['fd00:ec2::254', 'metadata'],
    ['fd12:3456::1', 'private'],
    ['fe80::abcd', 'link-local'],
    ['::1', 'loopback'],
    ['127.0.0.53', 'loopback'],
    ['::ffff:192.168.0.1', 'private'],
    ['::ffff:8.8.8.8', 'reserved'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['2002:7f00:0001::', 'loopback'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.0', 'public'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['239.255.255.250', 'multicast'],
    ['ff05::2', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['2001:db8::1', 'documentation'],
  ])('%s is %s', (address, category) => {
    expect(classifyAddress(address)).toBe(category);
  });

  it('reads the IPv4 address inside mapped, NAT64 and 6to4 addresses', () => {
    expect(embeddedIpv4('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(embeddedIpv4('::ffff:a01:203')).toBe('10.1.2.3');
    expect(embeddedIpv4('64:ff9b::a9fe:a9fe')).toBe('169.254.169.254');
    expect(embeddedIpv4('2002:c0a8:0101::1')).toBe('192.168.1.1');
    expect(embeddedIpv4('2606:4700::1')).toBeUndefined();
    expect(embeddedIpv4('10.0.0.1')).toBeUndefined();
  });
});

// ------------------------------------------------------------------ the caps

describe('the caps', () => {
  it('stops reading a body past 1 MB', async () => {
    await expect(readLink(`${base}/big`, options())).rejects.toBeInstanceOf(LinkTooLargeError);
  });

  it('refuses a declared Content-Length over the cap without reading', async () => {
    await expect(readLink(`${base}/big-declared`, options())).rejects.toBeInstanceOf(LinkTooLargeError);
  });

  it('gives up on a body that never ends within the time budget', async () => {
    const started = Date.now();
    const error = await readLink(`${base}/slow`, options({ timeoutMs: 300 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkFetchError);
    expect((error as LinkFetchError).reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('gives up on a server that never answers within the time budget', async () => {
    const error = await readLink(`${base}/hang`, options({ timeoutMs: 300 })).catch((e: unknown) => e);
    expect((error as LinkFetchError).reason).toBe('timeout');
  });

  it('counts DNS in the time budget', async () => {
    const never: LookupAll = () => new Promise(() => {});
    const error = await readLink('https://slow-dns.test/', { lookup: never, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkFetchError);
    expect((error as LinkFetchError).reason).toBe('timeout');
  });

  it('reads only HTML', async () => {
    const error = await readLink(`${base}/pdf`, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotHtmlError);
    expect((error as NotHtmlError).contentType).toBe('application/pdf');
    await expect(readLink(`${base}/json`, options())).rejects.toBeInstanceOf(NotHtmlError);
    await expect(readLink(`${base}/xhtml`, options())).resolves.toMatchObject({ title: expect.stringContaining('異業種交流会') });
  });

  it('reports an HTTP error status', async () => {
    const error = await readLink(`${base}/missing`, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LinkFetchError);
    expect((error as LinkFetchError).status).toBe(404);
  });

  it('never sends a cookie, even one a hop set, and says who it is', async () => {
    seen.length = 0;
    await readLink(`${base}/set-cookie`, options());
    expect(seen.map((s) => s.path)).toEqual(['/set-cookie', '/echo']);
    for (const { headers } of seen) {
      expect(headers.cookie).toBeUndefined();
      expect(headers['user-agent']).toBe('koryukai-adviser/0.1 (+link check)');
    }
  });

  it('reads a gzip-compressed page', async () => {
    await expect(readLink(`${base}/gzip`, options())).resolves.toMatchObject({ source: 'html' });
  });
});

// ------------------------------------------------------------------ the facts

describe('event facts from a page', () => {
  it('reads schema.org Event JSON-LD first', async () => {
    const facts = await readLink(`${base}/event`, options());
    expect(facts).toMatchObject({
      url: `${base}/event`,
      finalUrl: `${base}/event`,
      host: '127.0.0.1',
      kind: 'other',
      source: 'json-ld',
      title: 'フリーランスのための契約トラブル予防講座',
      organiser: 'NPO法人フリーランス支援ネットワーク',
      startDate: '2025-10-12T13:30:00+09:00',
      location: '渋谷区勤労福祉会館 第2洋室 東京都 渋谷区 神南1-19-8',
      price: '一般 1,000円／会員 0円',
    });
    expect(facts.description).toContain('報酬未払い');
    expect(facts.text).toContain('参加費：1,000円');
    expect(facts.text).not.toContain('window.analytics'); // scripts dropped
    expect(facts.text).not.toContain('新規登録'); // navigation dropped
    expect(facts.text).not.toContain('プライバシーポリシー'); // footer dropped
  });

  it('falls back to OpenGraph', async () => {
    const facts = await readLink(`${base}/og`, options());
    expect(facts.source).toBe('opengraph');
    expect(facts.title).toBe('【残り3名】月収100万円を達成した秘密を公開');
    expect(facts.description).toContain('会場は参加者にのみお知らせします');
  });

  it('falls back to the title and main text of plain HTML', async () => {
    const facts = await readLink(`${base}/plain`, options());
    expect(facts.source).toBe('html');
    expect(facts.title).toBe('第52回 若手経営者 異業種交流会 - 港北商工会議所');
    expect(facts.text).toContain('会員 3,000円／一般 5,000円');
    expect(facts.text).not.toContain('会員ログイン');
    expect(facts.text).not.toContain('dataset.ready');
  });

  it('decodes a Shift_JIS page', async () => {
    const facts = await readLink(`${base}/sjis`, options());
    expect(facts.title).toBe('朝カフェ読書会 vol.87 - こくちーずプロ');
    expect(facts.text).toContain('参加費：500円');
  });

  it('bounds the text to 4,000 characters', () => {
    const long = `<html><body><main>${'<p>交流会</p>'.repeat(3_000)}</main></body></html>`;
    expect([...extractPageFacts(long).text].length).toBe(4_000);
  });

  it('tells a login wall apart from a page', async () => {
    await expect(readLink(`${base}/login`, options())).rejects.toBeInstanceOf(LoginWallError);
    await expect(readLink(`${base}/to-fb-login`, options())).rejects.toBeInstanceOf(LoginWallError);
    // A page whose navigation has a ログイン link is not a wall.
    await expect(readLink(`${base}/event`, options())).resolves.toMatchObject({ source: 'json-ld' });
  });
});

// ------------------------------------------------------------------ kinds and finding links

describe('linkKind', () => {
  it.each([
    ['https://peatix.com/event/4411802', 'event-platform', 'Peatix'],
    ['https://freelance.peatix.com/events', 'event-platform', 'Peatix'],
    ['https://ts-shibuya.connpass.com/event/301234/', 'event-platform', 'connpass'],
    ['https://www.kokucheese.com/event/index/123456/', 'event-platform', 'こくちーずプロ'],
    ['https://design-tokyo.doorkeeper.jp/events/171234', 'event-platform', 'Doorkeeper'],
    ['https://www.facebook.com/events/123456789/', 'event-platform', 'Facebookイベント'],
    ['https://www.facebook.com/someone.profile', 'profile', 'Facebook'],
    ['https://bit.ly/3xYzAbc', 'shortener', '短縮URL'],
    ['https://t.co/abc', 'shortener', '短縮URL'],
    ['https://tinyurl.com/y4k', 'shortener', '短縮URL'],
    ['https://is.gd/abc', 'shortener', '短縮URL'],
    ['https://goo.gl/abc', 'shortener', '短縮URL'],
    ['https://ow.ly/abc', 'shortener', '短縮URL'],
    ['https://buff.ly/abc', 'shortener', '短縮URL'],
    ['https://x.gd/abc', 'shortener', '短縮URL'],
    ['https://lin.ee/abc123x', 'line-invite', 'LINE友だち追加'],
    ['https://line.me/R/ti/p/@abc', 'line-invite', 'LINE友だち追加・グループ招待'],
    ['https://line.me/ti/g2/AbCdEf', 'line-invite', 'LINE友だち追加・グループ招待'],
    ['https://lit.link/yumemiru', 'profile', 'lit.link'],
    ['https://www.instagram.com/success_mentor/', 'profile', 'Instagram'],
    ['https://www.city.example.lg.jp/event', 'other', undefined],
    ['https://notpeatix.com/event', 'other', undefined],
  ])('%s is %s', (url, kind, name) => {
    const fact = linkKind(url);
    expect(fact.kind).toBe(kind);
    expect(fact.name).toBe(name);
  });

  it('reports the kind of the link given and of where it led (a shortener to an event platform)', async () => {
    // bit.ly and peatix.com are answered with 127.0.0.1 by the DNS stand-in and allowed on the
    // test server's port, so the whole chain stays on loopback.
    const port = (server.address() as AddressInfo).port;
    const lookup = fakeDns({ 'bit.ly': ['127.0.0.1'], 'peatix.com': ['127.0.0.1'] });
    const facts = await readLink(`http://bit.ly:${port}/to-peatix`, {
      lookup,
      allowHosts: [`bit.ly:${port}`, `peatix.com:${port}`],
    });
    expect(facts).toMatchObject({ host: 'bit.ly', kind: 'shortener', finalKind: 'event-platform', platform: 'Peatix', redirects: 1 });
    expect(facts.finalUrl).toBe(`http://peatix.com:${port}/event`);
  });
});

describe('findUrls', () => {
  it('finds http(s) links in Japanese text, without the punctuation around them', () => {
    const text =
      '申込はこちら→https://peatix.com/event/4411802。詳しくはこっちのLINEで https://lin.ee/abc123x！\n' +
      '（参考：https://example.org/guide）、http://example.com/a?b=1&c=2.';
    expect(findUrls(text)).toEqual([
      'https://peatix.com/event/4411802',
      'https://lin.ee/abc123x',
      'https://example.org/guide',
      'http://example.com/a?b=1&c=2',
    ]);
  });

  it('ends a URL where Japanese text begins (links are pasted without spaces around them)', () => {
    expect(findUrls('https://peatix.com/event/1参加します')).toEqual(['https://peatix.com/event/1']);
  });

  it('takes scheme-less links to known link hosts and www. hosts', () => {
    expect(findUrls('詳しくはlin.ee/abc123x で！bit.ly/3xYz も www.example.jp/event も')).toEqual([
      'https://lin.ee/abc123x',
      'https://bit.ly/3xYz',
      'https://www.example.jp/event',
    ]);
  });

  it('ignores other schemes, bare words and duplicates', () => {
    expect(findUrls('ftp://x.example.com file:///etc/passwd example.com 3.000円 https://peatix.com/e/1 https://peatix.com/e/1')).toEqual([
      'https://peatix.com/e/1',
    ]);
    expect(findUrls('来週カフェ会あるけど来ない？')).toEqual([]);
  });

  it('keeps balanced brackets inside a URL', () => {
    expect(findUrls('(https://example.com/a_(b))')).toEqual(['https://example.com/a_(b)']);
  });
});
