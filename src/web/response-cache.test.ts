import assert from 'node:assert/strict';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';

import { chooseEncoding, matchesIfNoneMatch, ResponseCache } from './response-cache.ts';

const TYPE = 'text/plain; charset=utf-8';

/** A render function whose calls are counted and which finishes only when released. */
function gatedRender(text: string) {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const render = {
    calls: 0,
    release,
    fn: async () => {
      render.calls += 1;
      await gate;
      return text;
    },
  };

  return render;
}

/** A render function that returns `value` at once. */
function rendered(value: string) {
  return () => Promise.resolve(value);
}

function text(body: Buffer) {
  return body.toString('utf8');
}

describe('response cache', () => {
  it('renders once for concurrent misses', async () => {
    const cache = new ResponseCache();
    const render = gatedRender('page');
    const pending = Array.from({ length: 50 }, () => cache.get('k', 1, TYPE, render.fn));
    render.release();
    const entries = await Promise.all(pending);

    assert.equal(render.calls, 1);
    for (const entry of entries) assert.equal(text(entry.body), 'page');
  });

  it('stores gzip and Brotli forms and an etag', async () => {
    const cache = new ResponseCache();
    const entry = await cache.get('k', 1, TYPE, rendered('héllo'));

    assert.equal(gunzipSync(entry.gzip).toString('utf8'), 'héllo');
    assert.equal(brotliDecompressSync(entry.brotli).toString('utf8'), 'héllo');
    assert.match(entry.etag, /^W\/"[\w-]{27}"$/);
    assert.equal(entry.contentType, TYPE);
  });

  it('serves the stored body within its period', async () => {
    const cache = new ResponseCache();
    await cache.get('k', 1, TYPE, rendered('first'));
    const again = await cache.get('k', 1, TYPE, rendered('second'));

    assert.equal(text(again.body), 'first');
  });

  it('re-renders for the first request of a new period', async () => {
    const cache = new ResponseCache();
    await cache.get('k', 1, TYPE, rendered('minute one'));
    const next = await cache.get('k', 2, TYPE, rendered('minute two'));

    assert.equal(text(next.body), 'minute two');
  });

  it('serves the last body while a new period renders', async () => {
    const cache = new ResponseCache();
    await cache.get('k', 1, TYPE, rendered('minute one'));
    const render = gatedRender('minute two');
    const renderer = cache.get('k', 2, TYPE, render.fn);
    const during = await cache.get('k', 2, TYPE, rendered('never rendered'));

    assert.equal(text(during.body), 'minute one');
    render.release();
    assert.equal(text((await renderer).body), 'minute two');
    assert.equal(text((await cache.get('k', 2, TYPE, render.fn)).body), 'minute two');
    assert.equal(render.calls, 1);
  });

  it('does not keep a failed rendering', async () => {
    const cache = new ResponseCache();
    const failing = () => Promise.reject(new Error('database unavailable'));
    await assert.rejects(cache.get('k', 1, TYPE, failing), /database unavailable/);
    const retried = await cache.get('k', 1, TYPE, rendered('recovered'));

    assert.equal(text(retried.body), 'recovered');
  });

  it('drops the least recently stored key when full', async () => {
    const cache = new ResponseCache(2);
    await cache.get('a', 1, TYPE, rendered('a1'));
    await cache.get('b', 1, TYPE, rendered('b1'));
    await cache.get('a', 2, TYPE, rendered('a2'));
    await cache.get('c', 1, TYPE, rendered('c1'));

    assert.equal(text((await cache.get('a', 2, TYPE, rendered('a3'))).body), 'a2');
    assert.equal(text((await cache.get('b', 1, TYPE, rendered('b2'))).body), 'b2');
  });
});

describe('content coding choice', () => {
  const cases: [string | undefined, string | null][] = [
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip', 'gzip'],
    ['gzip, deflate, br, zstd', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    ['gzip, br;q=0', 'gzip'],
    ['GZIP', 'gzip'],
    ['x-compress', 'identity'],
    ['*', 'br'],
    ['identity;q=0', null],
    ['*;q=0', null],
    ['gzip;q=0, identity;q=0', null],
  ];
  for (const [header, expected] of cases) {
    it(`chooses ${String(expected)} for ${JSON.stringify(header)}`, () => {
      assert.equal(chooseEncoding(header), expected);
    });
  }
});

describe('If-None-Match comparison', () => {
  const etag = 'W/"abc"';
  const cases: [string | undefined, boolean][] = [
    [undefined, false],
    ['*', true],
    ['W/"abc"', true],
    ['"abc"', true],
    ['"other", W/"abc"', true],
    ['"abcd"', false],
    ['"ab", "c"', false],
    ['abc', false],
  ];
  for (const [header, expected] of cases) {
    it(`${expected ? 'matches' : 'does not match'} ${JSON.stringify(header)}`, () => {
      assert.equal(matchesIfNoneMatch(header, etag), expected);
    });
  }
});
