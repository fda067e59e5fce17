import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { englishCatalogue } from '../i18n/messages.ts';
import type { ErrorText } from '../shared/errors.ts';
import {
  buildTargetPolicy,
  checkAllowedHostEntry,
  checkWebhookUrl,
  ForbiddenTargetError,
  forbiddenRange,
  guardedLookup,
} from './webhook-target.ts';

const strict = buildTargetPolicy([]);

/** Returns the English text of a URL check's result, or null when the URL passed. */
function describeProblem(problem: ErrorText | null): string | null {
  return problem === null ? null : problem(englishCatalogue);
}

describe('webhook target addresses', () => {
  const forbidden: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['127.9.9.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::7f00:1', 'reserved'],
  ];
  for (const [address, range] of forbidden) {
    it(`rejects ${address} as ${range}`, () => {
      assert.equal(forbiddenRange(address, strict), range);
    });
  }

  it('names each refused range with its article', () => {
    const message = englishCatalogue.webhooks.addressForbidden;
    assert.match(message('0.0.0.0', '0.0.0.0', 'unspecified'), /is the unspecified address/);
    assert.match(message('2002::1', '2002::1', '6to4'), /is a 6to4 relay address/);
    assert.match(message('64:ff9b::1', '64:ff9b::1', 'rfc6052'), /is an IPv4-embedded IPv6/);
    assert.match(
      message('h.example', '10.0.0.1', 'private'),
      /resolves to 10\.0\.0\.1, which is a private/,
    );
  });

  it('accepts public unicast addresses', () => {
    assert.equal(forbiddenRange('8.8.8.8', strict), null);
    assert.equal(forbiddenRange('2606:4700::1', strict), null);
    assert.equal(forbiddenRange('::ffff:8.8.8.8', strict), null);
  });

  it('allows listed addresses and ranges only', () => {
    const policy = buildTargetPolicy(['10.20.0.0/16', '127.0.0.1', 'fd00::/8']);
    assert.equal(forbiddenRange('10.20.3.4', policy), null);
    assert.equal(forbiddenRange('10.21.3.4', policy), 'private');
    assert.equal(forbiddenRange('127.0.0.1', policy), null);
    assert.equal(forbiddenRange('::ffff:127.0.0.1', policy), null);
    assert.equal(forbiddenRange('127.0.0.2', policy), 'loopback');
    assert.equal(forbiddenRange('fd00::5', policy), null);
    assert.equal(forbiddenRange('fc00::5', policy), 'uniqueLocal');
  });

  it('validates allow-list entries', () => {
    assert.equal(checkAllowedHostEntry('hooks.internal.example'), null);
    assert.equal(checkAllowedHostEntry('10.0.0.0/8'), null);
    assert.equal(checkAllowedHostEntry('::1'), null);
    assert.match(checkAllowedHostEntry('10.0.0.0/99') ?? '', /CIDR range/);
    assert.match(checkAllowedHostEntry('http://x.example') ?? '', /neither a host name/);
  });
});

describe('webhook URL check', () => {
  const resolveTo =
    (...addresses: string[]) =>
    (host: string) =>
      Promise.resolve(
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      ).then((list) => (host === 'unknown.example' ? Promise.reject(notFoundError()) : list));

  it('rejects IP literals in every spelling', async () => {
    for (const url of [
      'http://127.0.0.1:2527/x',
      'http://2130706433/x',
      'http://0x7f.0.0.1/x',
      'http://[::1]/x',
      'http://[::ffff:7f00:1]/x',
      'https://169.254.169.254/latest/meta-data',
    ]) {
      assert.match(
        describeProblem(await checkWebhookUrl(url, strict)) ?? '',
        /address, and webhooks/,
        url,
      );
    }
  });

  it('rejects a name resolving to a private address', async () => {
    const problem = describeProblem(
      await checkWebhookUrl(
        'https://hooks.example.org/in',
        strict,
        resolveTo('8.8.4.4', '10.0.0.5'),
      ),
    );
    assert.match(problem ?? '', /hooks\.example\.org resolves to 10\.0\.0\.5/);
    assert.match(problem ?? '', /WEBHOOK_ALLOWED_HOSTS/);
  });

  it('accepts a name resolving to public addresses', async () => {
    const resolve = resolveTo('8.8.4.4', '2606:4700::1');
    assert.equal(await checkWebhookUrl('https://hooks.example.org/in', strict, resolve), null);
  });

  it('trusts an allowed host name', async () => {
    const policy = buildTargetPolicy(['hooks.internal.example']);
    const resolve = resolveTo('10.0.0.5');
    assert.equal(await checkWebhookUrl('https://HOOKS.internal.example/', policy, resolve), null);
  });

  it('rejects schemes, credentials and unknown names', async () => {
    const resolve = resolveTo('8.8.4.4');
    assert.match(
      describeProblem(await checkWebhookUrl('ftp://hooks.example.org/', strict)) ?? '',
      /http or/,
    );
    assert.match(
      describeProblem(
        await checkWebhookUrl('https://user:pw@hooks.example.org/', strict, resolve),
      ) ?? '',
      /user name or password/,
    );
    assert.match(
      describeProblem(await checkWebhookUrl('https://unknown.example/', strict, resolve)) ?? '',
      /could not be resolved \(ENOTFOUND\)/,
    );
  });

  it('makes the connection lookup fail on a forbidden address', async () => {
    const lookup = guardedLookup(strict);
    const error = await new Promise<Error | null>((resolve) => {
      lookup('localhost', { family: 0 }, (err) => {
        resolve(err);
      });
    });
    assert.ok(error instanceof ForbiddenTargetError);
    assert.match(error.message, /localhost resolves to 127\.0\.0\.1/);
  });
});

function notFoundError() {
  return Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
}
