import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

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

/** How a name is resolved: `dns.lookup`'s shape with `all: true` (replaceable in tests). */
export type ResolveAll = (hostname: string, options: LookupOptions) => Promise<LookupAddress[]>;

export const systemResolve: ResolveAll = (hostname, options) => lookup(hostname, { ...options, all: true });

/** Why a connection to `address` of `host` is refused while private networks are not allowed. */
const refusal = (host: string, address: string) =>
  `refused: ${host} is on a private network (${address}); an operator allows such receivers with GONGZHI_WEBHOOK_PRIVATE_NETWORKS=allow`;

/** The error a guarded connection fails with; its message is the attempt log's reason. */
export class PrivateNetworkError extends Error {
  readonly code = 'EPRIVATENETWORK';
}

/**
 * How a delivery to `url` may connect: null when it is refused before any connection (an IP
 * literal on a private network, told by `refused`), else the `lookup` its connection must use.
 * That lookup refuses a name any of whose addresses is private, and the connection goes to the
 * very addresses it checked: a name whose answer changes between a check and the connection
 * (DNS rebinding) cannot slip through, because there is only one answer. Plain http (allowed
 * only to loopback outside production, when the webhook is created) and operators who allow
 * private networks connect as usual.
 */
export function webhookConnection(
  url: URL,
  allowPrivateNetworks: boolean,
  resolve: ResolveAll,
): { refused: string } | { lookup?: LookupFunction } {
  if (allowPrivateNetworks || url.protocol === 'http:') return {};
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // A literal address is connected to without a lookup: check it here.
  if (isIP(host)) return isPrivateAddress(host) ? { refused: refusal(url.hostname, host) } : {};
  const guarded = (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    resolve(hostname, options).then(
      (addresses) => {
        const blocked = addresses.find((a) => isPrivateAddress(a.address));
        if (blocked) callback(new PrivateNetworkError(refusal(hostname, blocked.address)), '', 0);
        else if (options.all) (callback as unknown as (err: null, all: LookupAddress[]) => void)(null, addresses);
        else if (addresses[0]) callback(null, addresses[0].address, addresses[0].family);
        else callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
  return { lookup: guarded as unknown as LookupFunction };
}
