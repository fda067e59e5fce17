import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

import ipaddr from 'ipaddr.js';

import { processMessages } from '../i18n/messages.ts';
import type { ErrorText } from '../shared/errors.ts';

/** Host names and address ranges that an operator allows as webhook targets despite the rule. */
export interface WebhookTargetPolicy {
  /** Lower-case host names, matched exactly against the URL's host. */
  hosts: ReadonlySet<string>;
  ranges: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

/** Error raised for a webhook URL or resolved address that may not be called. */
export class ForbiddenTargetError extends Error {
  readonly code = 'ERR_WEBHOOK_TARGET_FORBIDDEN';
}

// Outside 2000::/3, the IANA global unicast block, ipaddr.js still calls some IPv6 addresses
// `unicast`, such as the deprecated IPv4-compatible ::7f00:1. None of them is a public receiver.
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

const HOST_NAME =
  /^(?=.{1,253}$)([a-z\d]([a-z\d-]{0,61}[a-z\d])?)(\.[a-z\d]([a-z\d-]{0,61}[a-z\d])?)*$/i;

/** Returns why an entry of WEBHOOK_ALLOWED_HOSTS is invalid, or null when it is valid. */
export function checkAllowedHostEntry(entry: string): string | null {
  if (ipaddr.isValidCIDR(entry) || isIP(entry) !== 0 || HOST_NAME.test(entry)) return null;

  return `"${entry}" is neither a host name, an IP address nor a CIDR range such as 10.0.0.0/8`;
}

/** Builds the policy from the entries of WEBHOOK_ALLOWED_HOSTS, which loadConfig has checked. */
export function buildTargetPolicy(entries: readonly string[]): WebhookTargetPolicy {
  const hosts = new Set<string>();
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const entry of entries) {
    if (ipaddr.isValidCIDR(entry)) ranges.push(ipaddr.parseCIDR(entry));
    else if (isIP(entry) !== 0) {
      const address = ipaddr.process(entry);
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else hosts.add(entry.toLowerCase());
  }

  return { hosts, ranges };
}

/**
 * Returns the ipaddr.js range name of an address that a webhook may not reach (`loopback`,
 * `private`, `linkLocal`, `uniqueLocal`, `carrierGradeNat`, `multicast`, …), or null for a
 * public unicast address or one inside an allowed range. IPv4-mapped IPv6 addresses are judged
 * as the IPv4 address they carry.
 */
export function forbiddenRange(address: string, policy: WebhookTargetPolicy): string | null {
  const parsed = ipaddr.process(address);
  if (policy.ranges.some(([base, bits]) => isInRange(parsed, base, bits))) return null;
  const range = parsed.range();
  if (range !== 'unicast') return range;
  if (parsed.kind() === 'ipv6' && !isInRange(parsed, ...IPV6_GLOBAL_UNICAST)) return 'reserved';

  return null;
}

function isInRange(
  address: ipaddr.IPv4 | ipaddr.IPv6,
  base: ipaddr.IPv4 | ipaddr.IPv6,
  bits: number,
) {
  return address.kind() === base.kind() && address.match(base, bits);
}

/** Returns the URL's host without the brackets of an IPv6 literal. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/**
 * Checks the parts of a webhook URL that need no DNS: an http or https scheme, no user name or
 * password, and a host that is not a forbidden IP address. Returns the reason, or null.
 */
export function checkUrlShape(rawUrl: string, policy: WebhookTargetPolicy): ErrorText | null {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return (m) => m.webhooks.urlInvalid;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return (m) => m.webhooks.urlScheme;
  if (url.username !== '' || url.password !== '') return (m) => m.webhooks.urlCredentials;
  const host = bareHost(url);
  if (policy.hosts.has(host) || isIP(host) === 0) return null;
  const range = forbiddenRange(host, policy);

  return range === null ? null : (m) => m.webhooks.addressForbidden(host, host, range);
}

/** Returns whether the URL's host name is on the allow-list, which exempts its addresses. */
export function isAllowedHost(rawUrl: string, policy: WebhookTargetPolicy): boolean {
  return policy.hosts.has(bareHost(new URL(rawUrl)));
}

type Resolve = (host: string) => Promise<LookupAddress[]>;

const resolveAll: Resolve = (host) =>
  new Promise((resolve, reject) => {
    dnsLookup(host, { all: true }, (error, addresses) => {
      if (error === null) resolve(addresses);
      else reject(error);
    });
  });

/**
 * Resolves the URL's host and checks every address it has, as a registration does. Returns the
 * reason the URL is refused, or null. A name that does not resolve is refused too, because the
 * server could not call it.
 */
export async function checkWebhookUrl(
  rawUrl: string,
  policy: WebhookTargetPolicy,
  resolve: Resolve = resolveAll,
): Promise<ErrorText | null> {
  const shapeProblem = checkUrlShape(rawUrl, policy);
  if (shapeProblem !== null) return shapeProblem;
  const host = bareHost(new URL(rawUrl));
  if (policy.hosts.has(host) || isIP(host) !== 0) return null;

  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return (m) => m.webhooks.hostNotResolved(host, code);
  }
  for (const { address } of addresses) {
    const range = forbiddenRange(address, policy);
    if (range !== null) return (m) => m.webhooks.addressForbidden(host, address, range);
  }

  return null;
}

/**
 * Builds the `lookup` option of an HTTP request that resolves the host and fails with a
 * ForbiddenTargetError when any of its addresses is forbidden. The connection goes to an
 * address this function checked, so a name that changes its answer between registration and
 * delivery (DNS rebinding) cannot reach a forbidden address.
 */
export function guardedLookup(policy: WebhookTargetPolicy): LookupFunction {
  return (host, options, callback) => {
    dnsLookup(host, { ...options, all: true }, (error, addresses) => {
      if (error !== null) {
        callback(error, '', 0);
        return;
      }
      for (const { address } of addresses) {
        const range = forbiddenRange(address, policy);
        if (range === null) continue;
        callback(
          new ForbiddenTargetError(processMessages.webhooks.addressForbidden(host, address, range)),
          '',
          0,
        );
        return;
      }
      if (options.all === true) callback(null, addresses);
      else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
    });
  };
}
