// Reading a link someone forwarded: fetch the page server-side, safely, and read its event facts.
//
// Safety, in the order it is applied to every hop (the first URL and each redirect):
//  1. http: or https: only, no user:password@, at most `maxRedirects` (3) redirects;
//  2. the host's addresses are resolved (all of them) and the hop is refused when any is not public
//     unicast (address-guard.ts: private, loopback, link-local, metadata, CGNAT, multicast, …) —
//     nothing is connected to before this check passes;
//  3. the connection is pinned to the addresses that were checked (no second DNS answer can slip
//     in), through request-filtering-agent, which checks the address again as the socket connects;
//  4. `allowHosts` (LINK_ALLOW_HOSTS: host or host:port) lifts step 2–3 for those hosts only;
//  5. one 5 s budget for the whole chain (DNS included), a 1 MB cap on the decoded body (reading
//     stops at the cap), text/html or application/xhtml+xml only, no cookies ever sent, a clear
//     user agent.
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { classifyAddress } from './address-guard.ts';
import { LinkFetchError, LinkRefusedError, LinkTooLargeError, LoginWallError, NotHtmlError } from './errors.ts';
import { linkKind, type LinkKind } from './link-kind.ts';
import { extractPageFacts, isLoginUrl, type FactsSource } from './page-facts.ts';

export { LinkFetchError, LinkRefusedError, LinkTooLargeError, LoginWallError, NotHtmlError } from './errors.ts';
export { linkKind, LINK_HOSTS, type LinkKind, type LinkKindFact } from './link-kind.ts';

export interface PageFacts {
  /** The URL as given. */
  url: string;
  /** Where the last redirect led. */
  finalUrl: string;
  /** Host of the URL as given (lower case, no "www."). */
  host: string;
  /** Kind of the URL as given (a shortener, lin.ee, an event platform, …). */
  kind: LinkKind;
  /** Kind of the final URL, e.g. the event platform a shortener led to. */
  finalKind: LinkKind;
  /** The platform's name from the host table, for the final URL when it has one. */
  platform?: string;
  title?: string;
  organiser?: string;
  startDate?: string;
  location?: string;
  price?: string;
  description?: string;
  /** The page's main text, at most 4,000 characters. */
  text: string;
  source: FactsSource;
  /** Hops followed (0: no redirect). */
  redirects: number;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** All addresses of a host name (dns.lookup with all: true); tests inject a fake. */
export type LookupAll = (hostname: string) => Promise<ResolvedAddress[]>;

export interface ReadLinkOptions {
  /** host or host:port that may be fetched even on a private or loopback address (LINK_ALLOW_HOSTS). */
  allowHosts?: readonly string[];
  /** Budget for the whole chain of requests, DNS included. Default 5,000 ms. */
  timeoutMs?: number;
  /** Cap on the (decoded) body. Default 1,000,000 bytes. */
  maxBytes?: number;
  /** Default 3. */
  maxRedirects?: number;
  /** Default dns.lookup(host, { all: true }). */
  lookup?: LookupAll;
  userAgent?: string;
  signal?: AbortSignal;
}

export const READ_LINK_DEFAULTS = {
  timeoutMs: 5_000,
  maxBytes: 1_000_000,
  maxRedirects: 3,
  userAgent: 'koryukai-adviser/0.1 (+link check)',
} as const;

const defaultLookup: LookupAll = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** Parses LINK_ALLOW_HOSTS ("127.0.0.1:8080, intranet.local") into a list; empty for unset. */
export function parseAllowHosts(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

/** Whether a URL's host (or host:port) is in the allow list. */
export function isAllowedHost(url: URL, allowHosts: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowHosts.some((entry) => {
    const e = entry.toLowerCase();
    return e === host || e === `${host}:${port}` || (host.startsWith('[') && e === `${host}:${port}`);
  });
}

/**
 * Checks one hop before anything is connected: scheme, credentials, and every address the host
 * resolves to. Returns the addresses to connect to. Throws LinkRefusedError.
 */
export async function checkHop(
  url: URL,
  options: { allowHosts: readonly string[]; lookup: LookupAll; signal: AbortSignal; timeoutMs: number },
): Promise<{ addresses: ResolvedAddress[]; allowed: boolean }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LinkRefusedError('scheme', `${url.protocol} links are not fetched`);
  }
  if (url.username || url.password) throw new LinkRefusedError('credentials', 'links with a user name or password are not fetched');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const allowed = isAllowedHost(url, options.allowHosts);
  let addresses: ResolvedAddress[];
  const literal = isIP(host);
  if (literal !== 0) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await abortable(options.lookup(host), options.signal, options.timeoutMs);
    } catch (error) {
      if (error instanceof LinkFetchError) throw error;
      throw new LinkRefusedError('unresolvable', `${host} does not resolve`);
    }
  }
  if (addresses.length === 0) throw new LinkRefusedError('unresolvable', `${host} has no address`);
  if (!allowed) {
    for (const { address } of addresses) {
      const category = classifyAddress(address);
      if (category !== 'public') throw new LinkRefusedError('address', `${host} resolves to a ${category} address`);
    }
  }
  return { addresses, allowed };
}

/** Rejects with a timeout LinkFetchError as soon as the signal aborts. */
function abortable<T>(work: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  if (signal.aborted) return Promise.reject(new LinkFetchError('timeout', `over the ${timeoutMs} ms budget`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new LinkFetchError('timeout', `over the ${timeoutMs} ms budget`));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** A lookup that answers only with the addresses that were checked (DNS pinning). */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return ((_hostname: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    const first = addresses[0];
    if (opts?.all) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
    else if (first) callback(null, first.address, first.family);
    else callback(new Error('no address'));
  }) as unknown as LookupFunction;
}

interface HopResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: IncomingMessage;
}

function requestOnce(
  url: URL,
  hop: { addresses: ResolvedAddress[]; allowed: boolean },
  options: { userAgent: string; signal: AbortSignal },
): Promise<HopResponse> {
  const agentOptions = {
    keepAlive: false,
    // Allowed hosts may be on loopback/private addresses: exactly the checked ones are allowed.
    allowIPAddressList: hop.allowed ? hop.addresses.map((a) => a.address) : [],
  };
  const https = url.protocol === 'https:';
  const agent = https ? new RequestFilteringHttpsAgent(agentOptions) : new RequestFilteringHttpAgent(agentOptions);
  const send = https ? httpsRequest : httpRequest;
  return new Promise<HopResponse>((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'GET',
        agent,
        lookup: pinnedLookup(hop.addresses),
        signal: options.signal,
        headers: {
          'user-agent': options.userAgent,
          accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1',
          'accept-language': 'ja,en;q=0.5',
          'accept-encoding': 'gzip, deflate, br',
          // No cookie header, ever: cookies set by a hop are not kept.
        },
      },
      (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      agent.destroy();
      if (options.signal.aborted) reject(new LinkFetchError('timeout', 'over the time budget'));
      else if (/not allowed/.test(error.message)) reject(new LinkRefusedError('address', 'the connected address is not public'));
      else reject(new LinkFetchError('network', error.code ?? error.message));
    });
    req.end();
  });
}

/** Reads at most maxBytes of the decoded body; throws LinkTooLargeError past it. */
async function readCapped(res: HopResponse, maxBytes: number, signal: AbortSignal, timeoutMs: number): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
  if (!encoding && Number.isFinite(declared) && declared > maxBytes) {
    res.body.destroy();
    throw new LinkTooLargeError(maxBytes);
  }
  let stream: Readable = res.body;
  if (encoding === 'gzip' || encoding === 'x-gzip') stream = res.body.pipe(createGunzip());
  else if (encoding === 'deflate') stream = res.body.pipe(createInflate());
  else if (encoding === 'br') stream = res.body.pipe(createBrotliDecompress());
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      total += buffer.length;
      if (total > maxBytes) throw new LinkTooLargeError(maxBytes);
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof LinkTooLargeError) throw error;
    if (signal.aborted) throw new LinkFetchError('timeout', `over the ${timeoutMs} ms budget`);
    throw new LinkFetchError('network', error instanceof Error ? error.message : String(error));
  } finally {
    res.body.destroy();
    if (stream !== res.body) stream.destroy();
  }
  return Buffer.concat(chunks);
}

/** The charset from Content-Type, else from a <meta> in the first 2 KB, else UTF-8. */
export function decodeHtml(body: Buffer, contentType: string): string {
  const fromHeader = /charset=["']?([\w-]+)/i.exec(contentType)?.[1];
  const head = body.subarray(0, 2048).toString('latin1');
  const fromMeta = /<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1];
  const label = (fromHeader ?? fromMeta ?? 'utf-8').toLowerCase();
  try {
    return new TextDecoder(label).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/**
 * Fetches a page and reads its event facts. Throws LinkRefusedError (scheme, credentials, a
 * non-public address at any hop, too many redirects), LinkFetchError (time budget, network, HTTP
 * status), LinkTooLargeError, NotHtmlError or LoginWallError.
 */
export async function readLink(url: string, options: ReadLinkOptions = {}): Promise<PageFacts> {
  const o = { ...READ_LINK_DEFAULTS, ...options };
  const allowHosts = options.allowHosts ?? [];
  const lookup = options.lookup ?? defaultLookup;
  const signal = AbortSignal.any([AbortSignal.timeout(o.timeoutMs), ...(options.signal ? [options.signal] : [])]);
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new LinkRefusedError('bad-url', 'not a URL');
  }
  const given = linkKind(current);
  for (let redirects = 0; ; redirects++) {
    const hop = await checkHop(current, { allowHosts, lookup, signal, timeoutMs: o.timeoutMs });
    const res = await abortable(requestOnce(current, hop, { userAgent: o.userAgent, signal }), signal, o.timeoutMs);
    const location = res.headers.location;
    if (res.status >= 300 && res.status < 400 && location) {
      res.body.destroy();
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new LinkFetchError('status', `redirect to an unreadable location (${res.status})`, res.status);
      }
      if (isLoginUrl(next)) throw new LoginWallError(hostOf(current));
      if (redirects + 1 > o.maxRedirects) throw new LinkRefusedError('redirects', `more than ${o.maxRedirects} redirects`);
      current = next;
      continue;
    }
    if (res.status >= 400 || res.status < 200 || res.status >= 300) {
      res.body.destroy();
      throw new LinkFetchError('status', `HTTP ${res.status}`, res.status);
    }
    if (isLoginUrl(current)) {
      res.body.destroy();
      throw new LoginWallError(hostOf(current));
    }
    const contentType = String(res.headers['content-type'] ?? '');
    const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!HTML_TYPES.has(mediaType)) {
      res.body.destroy();
      throw new NotHtmlError(mediaType);
    }
    const body = await readCapped(res, o.maxBytes, signal, o.timeoutMs);
    const facts = extractPageFacts(decodeHtml(body, contentType));
    if (facts.loginWall) throw new LoginWallError(hostOf(current));
    const final = linkKind(current);
    const page: PageFacts = {
      url,
      finalUrl: current.href,
      host: given.host,
      kind: given.kind,
      finalKind: final.kind,
      text: facts.text,
      source: facts.source,
      redirects,
    };
    const platform = final.name ?? given.name;
    if (platform) page.platform = platform;
    for (const key of ['title', 'organiser', 'startDate', 'location', 'price', 'description'] as const) {
      const value = facts[key];
      if (value !== undefined) page[key] = value;
    }
    return page;
  }
}

function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^www\./, '');
}

// ------------------------------------------------------------------ finding URLs in a message

/** Characters a URL may contain (RFC 3986 unreserved, reserved and %): syntax, not meaning. */
const URL_CHARS = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/;
/** Trailing characters that end a sentence rather than a URL. */
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', "'", ')', ']']);
const SCHEMES = ['https://', 'http://'];

/**
 * The http(s) URLs in a message, in order, deduplicated, each normalised by the WHATWG URL
 * parser. Also takes scheme-less links to hosts in the link table (「lin.ee/abc」, 「bit.ly/x」),
 * which people paste without https://. Full-width characters end a URL (Japanese text around it).
 */
export function findUrls(text: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const add = (candidate: string): void => {
    let end = candidate.length;
    const count = (c: string, upTo: number): number => candidate.slice(0, upTo).split(c).length - 1;
    while (end > 0 && TRAILING.has(candidate[end - 1] ?? '')) {
      // Keep a closing bracket whose opening one is inside the URL: (…) in Wikipedia-style paths.
      const c = candidate[end - 1];
      if (c === ')' && count('(', end) >= count(')', end)) break;
      if (c === ']' && count('[', end) >= count(']', end)) break;
      end--;
    }
    let parsed: URL;
    try {
      parsed = new URL(candidate.slice(0, end));
    } catch {
      return;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return;
    if (!parsed.hostname.includes('.') && isIP(parsed.hostname.replace(/^\[|\]$/g, '')) === 0 && parsed.hostname !== 'localhost') return;
    if (!seen.has(parsed.href)) {
      seen.add(parsed.href);
      found.push(parsed.href);
    }
  };
  let i = 0;
  while (i < text.length) {
    const lower = text.slice(i, i + 8).toLowerCase();
    const scheme = SCHEMES.find((s) => lower.startsWith(s));
    const bareStart = !scheme && (i === 0 || !URL_CHARS.test(text[i - 1] ?? '')) && URL_CHARS.test(text[i] ?? '');
    if (!scheme && !bareStart) {
      i++;
      continue;
    }
    let j = i + (scheme?.length ?? 0);
    while (j < text.length && URL_CHARS.test(text[j] ?? '')) j++;
    const token = text.slice(i, j);
    const inner = scheme ? -1 : Math.max(token.toLowerCase().indexOf('https://'), token.toLowerCase().indexOf('http://'));
    if (inner > 0) {
      // 「(https://…)」: the URL starts inside the token.
      i += inner;
      continue;
    }
    if (scheme) add(token);
    else if (token.includes('/') || token.toLowerCase().startsWith('www.')) {
      // A bare host/path: only when the host is a known link host or starts with www.
      if (token.toLowerCase().startsWith('www.') || linkKind(`https://${token}`).name !== undefined) {
        add(`https://${token}`);
      }
    }
    i = Math.max(j, i + 1);
  }
  return found;
}
