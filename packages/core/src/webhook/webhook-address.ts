import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook may not reach unless the operator allows private networks: the server's
 * own machine and network (loopback, RFC 1918, carrier-grade NAT, link-local with the cloud
 * metadata service, IPv6 unique-local and link-local), so that whoever may create a webhook
 * cannot make the server POST into the network it sits in (SSRF).
 */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** Whether `address` (an IPv4 or IPv6 literal) is on a private, loopback or link-local network. */
export function isPrivateAddress(address: string): boolean {
  const mappedV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mappedV4) return PRIVATE.check(mappedV4, 'ipv4');
  const family = isIP(address);
  if (family === 0) return false;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Why a delivery to `url` is refused before it is sent, or null when it may go: its host resolves
 * to a private address and private networks are not allowed. Plain http to loopback (allowed
 * only outside production, when the webhook is created) is the development receiver and passes.
 *
 * The check resolves the name once before the request, which the request resolves again: a name
 * whose answer changes in between (DNS rebinding) is not caught here; an egress firewall is the
 * complete answer, see docs/webhooks.md.
 */
export async function refusedAddress(url: string, allowPrivateNetworks: boolean): Promise<string | null> {
  if (allowPrivateNetworks) return null;
  const { protocol, hostname } = new URL(url);
  if (protocol === 'http:') return null;
  const host = hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  const blocked = addresses.find(isPrivateAddress);
  return blocked
    ? `refused: ${hostname} is on a private network (${blocked}); an operator allows such receivers with GONGZHI_WEBHOOK_PRIVATE_NETWORKS=allow`
    : null;
}
