// Which addresses a link may be fetched from: only public unicast ones. Everything else — private
// ranges, loopback, link-local (where cloud metadata services live), CGNAT, multicast, unspecified,
// documentation and benchmark ranges, and IPv6 forms that embed an IPv4 address — is refused
// before any connection is made. The table is data (IANA special-purpose registries); the check is
// node:net's BlockList, which compares parsed addresses, not strings.
import { BlockList, isIP } from 'node:net';

export type AddressCategory =
  | 'metadata'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'cgnat'
  | 'link-local'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | 'public';

/** Checked in order; the first match names the category (metadata before link-local/private). */
const RANGES: readonly { category: Exclude<AddressCategory, 'public'>; cidr: string }[] = [
  // Cloud metadata endpoints (AWS/GCP/Azure/OpenStack, AWS IPv6, Alibaba, Oracle's legacy one).
  { category: 'metadata', cidr: '169.254.169.254/32' },
  { category: 'metadata', cidr: '169.254.170.2/32' },
  { category: 'metadata', cidr: 'fd00:ec2::254/128' },
  { category: 'metadata', cidr: '100.100.100.200/32' },
  { category: 'metadata', cidr: '192.0.0.192/32' },
  // IPv4
  { category: 'unspecified', cidr: '0.0.0.0/8' },
  { category: 'private', cidr: '10.0.0.0/8' },
  { category: 'cgnat', cidr: '100.64.0.0/10' },
  { category: 'loopback', cidr: '127.0.0.0/8' },
  { category: 'link-local', cidr: '169.254.0.0/16' },
  { category: 'private', cidr: '172.16.0.0/12' },
  { category: 'reserved', cidr: '192.0.0.0/24' },
  { category: 'documentation', cidr: '192.0.2.0/24' },
  { category: 'reserved', cidr: '192.88.99.0/24' },
  { category: 'private', cidr: '192.168.0.0/16' },
  { category: 'reserved', cidr: '198.18.0.0/15' },
  { category: 'documentation', cidr: '198.51.100.0/24' },
  { category: 'documentation', cidr: '203.0.113.0/24' },
  { category: 'multicast', cidr: '224.0.0.0/4' },
  { category: 'reserved', cidr: '240.0.0.0/4' },
  // IPv6
  { category: 'unspecified', cidr: '::/128' },
  { category: 'loopback', cidr: '::1/128' },
  { category: 'reserved', cidr: '::/96' }, // deprecated IPv4-compatible
  { category: 'reserved', cidr: '100::/64' }, // discard-only
  { category: 'reserved', cidr: '2001::/23' }, // IETF protocol assignments (Teredo, ORCHID, …)
  { category: 'documentation', cidr: '2001:db8::/32' },
  { category: 'documentation', cidr: '3fff::/20' },
  { category: 'private', cidr: 'fc00::/7' }, // unique local
  { category: 'link-local', cidr: 'fe80::/10' },
  { category: 'reserved', cidr: 'fec0::/10' }, // deprecated site-local
  { category: 'multicast', cidr: 'ff00::/8' },
];

const LISTS = new Map<Exclude<AddressCategory, 'public'>, BlockList>();
for (const { category, cidr } of RANGES) {
  let list = LISTS.get(category);
  if (!list) {
    list = new BlockList();
    LISTS.set(category, list);
  }
  const [network = '', prefix = ''] = cidr.split('/');
  list.addSubnet(network, Number(prefix), isIP(network) === 6 ? 'ipv6' : 'ipv4');
}
const ORDER = [...new Set(RANGES.map((r) => r.category))];

/**
 * The IPv4 address an IPv6 address carries, when it carries one that a router would use:
 * IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002:AABB:CCDD::/48).
 */
export function embeddedIpv4(address: string): string | undefined {
  if (isIP(address) !== 6) return undefined;
  const groups = expandIpv6(address);
  if (!groups) return undefined;
  const v4 = (hi: number, lo: number): string => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (from: number, to: number): boolean => groups.slice(from, to).every((g) => g === 0);
  if (zeros(0, 5) && groups[5] === 0xffff) return v4(groups[6] ?? 0, groups[7] ?? 0);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return v4(groups[6] ?? 0, groups[7] ?? 0);
  if (groups[0] === 0x2002) return v4(groups[1] ?? 0, groups[2] ?? 0);
  return undefined;
}

/** Eight 16-bit groups of an IPv6 address (with a dotted IPv4 tail handled), or undefined. */
function expandIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase().split('%')[0] ?? '';
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? left.length !== 8 : missing < 0) return undefined;
  const groups = [...left, ...new Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right].map((g) =>
    Number.parseInt(g, 16),
  );
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** The category of an IP address ('public' only for global unicast); throws on a non-address. */
export function classifyAddress(address: string): AddressCategory {
  const bare = address.replace(/^\[|\]$/g, '').split('%')[0] ?? '';
  const family = isIP(bare);
  if (family === 0) throw new TypeError(`not an IP address: ${address}`);
  const embedded = embeddedIpv4(bare);
  if (embedded) {
    const inner = classifyAddress(embedded);
    // An IPv6 wrapper around a public IPv4 is still an odd way to reach a web page: refuse it.
    return inner === 'public' ? 'reserved' : inner;
  }
  const type = family === 6 ? 'ipv6' : 'ipv4';
  for (const category of ORDER) {
    if (LISTS.get(category)?.check(bare, type)) return category;
  }
  return 'public';
}

export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === 'public';
}
