import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent } from 'undici';

/**
 * Addresses an outbound webhook never reaches unless configuration allows them (SSRF): loopback,
 * private, link-local (the cloud metadata address 169.254.169.254 included), CGNAT, unspecified,
 * multicast and broadcast.
 */
const REFUSED: readonly [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const refused = new BlockList();
for (const [network, prefix, type] of REFUSED) refused.addSubnet(network, prefix, type);

/** The configured exceptions (`COEXIST_WEBHOOK_EGRESS_ALLOW`), as a list of CIDRs. */
export type EgressPolicy = { readonly allow: readonly string[] };

/** An address or URL an outbound webhook may not reach; its message says why. */
export class EgressRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EgressRefusedError';
  }
}

function allowList(policy: EgressPolicy): BlockList {
  const list = new BlockList();
  for (const cidr of policy.allow) {
    const [network = '', bits = ''] = cidr.split('/');
    const type = isIP(network) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(network, Number(bits), type);
  }
  return list;
}

/** `::ffff:10.0.0.1` is 10.0.0.1: an IPv4-mapped address is judged as the IPv4 address it carries. */
function normalise(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], type: 'ipv4' };
  return { address, type: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** Returns a checker: whether an IP address may be reached under the policy. */
export function addressChecker(policy: EgressPolicy): (address: string) => boolean {
  const allowed = allowList(policy);
  return (raw) => {
    const { address, type } = normalise(raw);
    if (isIP(address) === 0) return false;
    if (allowed.check(address, type)) return true;
    return !refused.check(address, type);
  };
}

/**
 * Checks what can be checked before any DNS: an http(s) URL without credentials, and, when its host
 * is an IP literal (which a connection never looks up), that address. Throws {@link EgressRefusedError}.
 */
export function assertUrlAllowed(url: string, policy: EgressPolicy): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EgressRefusedError('not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new EgressRefusedError('only http and https URLs');
  if (parsed.username || parsed.password) throw new EgressRefusedError('no credentials in the URL');
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0 && !addressChecker(policy)(host))
    throw new EgressRefusedError(`${host} is a private or local address`);
  return parsed;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for `net.connect` that resolves the name, refuses it when any address it resolves to
 * is refused, and hands the connection exactly the addresses it checked: the check and the
 * connection see the same answer, so a second, different DNS answer cannot slip through.
 */
export function checkedLookup(policy: EgressPolicy) {
  const allowed = addressChecker(policy);
  return (
    hostname: string,
    options: { all?: boolean; family?: number | string },
    callback: LookupCallback,
  ) => {
    dnsLookup(hostname, { all: true, family: Number(options.family) || 0 }, (error, addresses) => {
      if (error) return callback(error, '');
      const bad = addresses.find((a) => !allowed(a.address));
      if (bad) {
        const refusal = new EgressRefusedError(
          `${hostname} resolves to ${bad.address}, a private or local address`,
        );
        return callback(Object.assign(refusal, { code: 'EGRESS_REFUSED' }), '');
      }
      if (addresses.length === 0)
        return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '');
      if (options.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

const agents = new Map<string, Agent>();

/**
 * The HTTP agent outbound webhooks use: every connection's address passes {@link checkedLookup};
 * 15 s to connect and for the response. One per policy, kept for the process.
 */
export function egressAgent(policy: EgressPolicy): Agent {
  const key = policy.allow.join(',');
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({
      connect: { lookup: checkedLookup(policy) as never, timeout: 15_000 },
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
    agents.set(key, agent);
  }
  return agent;
}
