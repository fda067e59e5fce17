import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';
import type { TaxiiError } from '../taxii/taxii.errors.ts';
import { TAXII_MEDIA_TYPE } from '../taxii/taxii.media.ts';
import { MEMBERS } from '../taxii/taxii.test-helpers.ts';
import { negotiateLocale } from './locale.ts';
import type { Problem } from './problem.ts';

// English by default, with the pseudo-locale offered as a second language.
const withPseudo = { locale: 'en', offeredLocales: ['en', 'en-XA'] };

function pseudoHeaders(language = 'en-XA') {
  return { 'accept-language': language };
}

function varyFields(header: string | string[] | number | undefined): string[] {
  return String(header ?? '')
    .split(',')
    .map((field) => field.trim().toLowerCase());
}

describe('negotiateLocale', () => {
  const cases: [string, string | undefined, string | undefined, string][] = [
    ['q-values pick the best offered', undefined, 'fr;q=0.9, en-XA;q=0.8', 'en-XA'],
    ['a higher q wins', undefined, 'en-XA;q=0.5, en;q=0.9', 'en'],
    ['q=0 excludes a language', undefined, 'en-XA;q=0, fr', 'en'],
    ['a region falls back to its language', undefined, 'en-GB', 'en'],
    ['a wildcard takes the default', undefined, '*', 'en'],
    ['tags ignore case', undefined, 'EN-xa', 'en-XA'],
    ['no offered language takes the default', undefined, 'fr-CH, de;q=0.5', 'en'],
    ['the cookie wins over the header', 'en-XA', 'en', 'en-XA'],
    ['an unknown cookie is ignored', 'fr', 'en-XA', 'en-XA'],
    ['an invalid cookie is ignored', '%%%', undefined, 'en'],
  ];
  for (const [name, cookie, header, expected] of cases) {
    it(name, () => {
      assert.equal(negotiateLocale(cookie, header, withPseudo), expected);
    });
  }

  it('never picks a locale the server does not offer', () => {
    const englishOnly = { locale: 'en', offeredLocales: ['en'] };
    assert.equal(negotiateLocale('en-XA', 'en-XA', englishOnly), 'en');
  });
});

for (const dialect of testDialects) {
  describe(`language of a request on ${dialect}`, () => {
    let t: TestApp;

    before(async () => {
      t = await startTestApp(dialect, withPseudo);
      await insertPoc(t.ctx, { state: 'FR', name: 'Claire Dubois' });
    });

    after(async () => {
      await t.close();
    });

    it('serves parallel requests each in its own language', async () => {
      const urls = ['/', '/no-such-page', '/api/v1/me'];
      const requests = urls.flatMap((url) => [
        t.request({ method: 'GET', url, headers: pseudoHeaders() }),
        t.request({ method: 'GET', url }),
      ]);
      const responses = await Promise.all(requests);

      for (const [index, url] of urls.entries()) {
        const pseudo = responses[index * 2];
        const english = responses[index * 2 + 1];
        assert.ok(pseudo, url);
        assert.ok(english, url);
        assert.equal(pseudo.headers['content-language'], 'en-XA', url);
        assert.equal(english.headers['content-language'], 'en', url);
        assert.match(pseudo.body, /⟦/, url);
        assert.doesNotMatch(english.body, /⟦/, url);
      }
    });

    it('renders the public page in the pseudo-locale', async () => {
      const res = await t.request({ method: 'GET', url: '/', headers: pseudoHeaders() });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<html lang="en-XA" dir="ltr">/);
      assert.match(res.body, /<h1>⟦Directory of cyber points of contact⟧<\/h1>/);
    });

    it('renders an error page in the pseudo-locale', async () => {
      const res = await t.request({
        method: 'GET',
        url: '/no-such-page',
        headers: pseudoHeaders(),
      });
      assert.equal(res.statusCode, 404);
      assert.match(res.body, /<html lang="en-XA"/);
      assert.match(res.body, /<h1>⟦Not found⟧<\/h1>/);
    });

    it('titles a problem document in the pseudo-locale', async () => {
      const pseudo = await t.request({
        method: 'GET',
        url: '/api/v1/me',
        headers: pseudoHeaders(),
      });
      const english = await t.request({ method: 'GET', url: '/api/v1/me' });
      assert.equal(pseudo.statusCode, 401);
      assert.equal(pseudo.json<Problem>().title, '⟦unauthenticated⟧');
      assert.equal(pseudo.json<Problem>().code, 'unauthenticated');
      assert.equal(english.json<Problem>().title, 'unauthenticated');
    });

    it('writes catalogue details of a problem in the request language', async () => {
      const res = await t.request({
        method: 'GET',
        url: '/api/v1/directory?q=%E0%A4%A',
        headers: pseudoHeaders(),
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.json<Problem>().detail, /⟦query parameter is not valid/);
      assert.equal(res.headers['content-language'], 'en-XA');
    });

    it('writes TAXII errors in the request language', async () => {
      const pseudo = await t.request({
        method: 'GET',
        url: `${MEMBERS}/objects/`,
        headers: { ...pseudoHeaders(), accept: TAXII_MEDIA_TYPE },
      });
      const english = await t.request({
        method: 'GET',
        url: `${MEMBERS}/objects/`,
        headers: { accept: TAXII_MEDIA_TYPE },
      });
      assert.equal(pseudo.statusCode, 401);
      assert.equal(pseudo.json<TaxiiError>().error_code, 'unauthenticated');
      assert.equal(pseudo.json<TaxiiError>().title, '⟦Authentication required⟧');
      assert.match(pseudo.json<TaxiiError>().description, /^⟦/);
      assert.equal(english.json<TaxiiError>().title, 'Authentication required');
      assert.doesNotMatch(english.json<TaxiiError>().description, /⟦/);
    });

    it('marks negotiated responses with Vary', async () => {
      for (const url of ['/', '/signin', '/no-such-page', '/api/v1/me']) {
        const res = await t.request({ method: 'GET', url });
        const vary = varyFields(res.headers.vary);
        assert.ok(vary.includes('accept-language'), `${url}: ${String(res.headers.vary)}`);
        assert.ok(vary.includes('cookie'), `${url}: ${String(res.headers.vary)}`);
      }
      const cached = await t.request({ method: 'GET', url: '/' });
      assert.ok(varyFields(cached.headers.vary).includes('accept-encoding'));
    });

    it('keeps cached public pages apart by language', async () => {
      // Each order on its own query, so the first request of each fills the cache.
      for (const { q, isPseudoFirst } of [
        { q: 'FR', isPseudoFirst: true },
        { q: 'France', isPseudoFirst: false },
      ]) {
        const url = `/?q=${q}`;
        const fetchPseudo = () => t.request({ method: 'GET', url, headers: pseudoHeaders() });
        const fetchEnglish = () => t.request({ method: 'GET', url });
        const first = await (isPseudoFirst ? fetchPseudo() : fetchEnglish());
        const second = await (isPseudoFirst ? fetchEnglish() : fetchPseudo());
        const pseudo = isPseudoFirst ? first : second;
        const english = isPseudoFirst ? second : first;
        assert.equal(pseudo.statusCode, 200, q);
        assert.equal(english.statusCode, 200, q);
        assert.notEqual(pseudo.headers.etag, english.headers.etag, q);
        assert.match(pseudo.body, /<html lang="en-XA"/, q);
        assert.match(english.body, /<html lang="en"/, q);
        assert.doesNotMatch(english.body, /⟦/, q);
      }
    });

    it('names Accept-Language in Vary of a 304', async () => {
      const first = await t.request({ method: 'GET', url: '/' });
      const headers = { 'if-none-match': String(first.headers.etag) };
      const notModified = await t.request({ method: 'GET', url: '/', headers });
      assert.equal(notModified.statusCode, 304);
      assert.ok(varyFields(notModified.headers.vary).includes('accept-language'));
    });

    it('does not send a cached page to a reader of another language', async () => {
      const english = await t.request({ method: 'GET', url: '/' });
      const etag = String(english.headers.etag);
      const revalidated = await t.request({
        method: 'GET',
        url: '/',
        headers: { ...pseudoHeaders(), 'if-none-match': etag },
      });
      assert.equal(revalidated.statusCode, 200);
      assert.match(revalidated.body, /<html lang="en-XA"/);
    });

    it('honours q-values over the order of languages', async () => {
      const headers = pseudoHeaders('fr;q=0.9, en-XA;q=0.8');
      const res = await t.request({ method: 'GET', url: '/signin', headers });
      assert.equal(res.headers['content-language'], 'en-XA');
      assert.match(res.body, /<html lang="en-XA"/);
    });

    it('uses the lang cookie before Accept-Language', async () => {
      const res = await t.request({
        method: 'GET',
        url: '/signin',
        headers: pseudoHeaders('en'),
        cookies: { lang: 'en-XA' },
      });
      assert.equal(res.headers['content-language'], 'en-XA');
    });

    it('shows a language switcher with the offered languages', async () => {
      const res = await t.request({ method: 'GET', url: '/signin' });
      assert.match(res.body, /<form class="inline" method="post" action="\/language">/);
      assert.match(res.body, /<option value="en" lang="en" selected>/);
      assert.match(res.body, /<option value="en-XA" lang="en-XA" >/);
    });

    it('keeps the chosen language in a cookie', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/language',
        headers: { referer: 'http://localhost:80/readiness?x=1' },
        payload: { lang: 'en-xa' },
      });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/readiness?x=1');
      const cookie = res.cookies.find((item) => item.name === 'lang');
      assert.equal(cookie?.value, 'en-XA');
      assert.equal(cookie.path, '/');
      assert.equal(cookie.httpOnly, true);

      const next = await t.request({ method: 'GET', url: '/', cookies: { lang: 'en-XA' } });
      assert.match(next.body, /<html lang="en-XA"/);
    });

    it('returns to the home page after a foreign referer', async () => {
      const referers = [
        'https://elsewhere.example/page',
        'http://localhost//evil.example/',
        'http://localhost/a/../..//evil.example/',
        'http://localhost/\\evil.example/',
      ];
      for (const referer of referers) {
        const res = await t.request({
          method: 'POST',
          url: '/language',
          headers: { referer },
          payload: { lang: 'en' },
        });
        assert.equal(res.statusCode, 303, referer);
        assert.equal(res.headers.location, '/', referer);
      }
    });

    it('rejects a language the server does not offer', async () => {
      const res = await t.request({ method: 'POST', url: '/language', payload: { lang: 'fr' } });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /lang: must be one of the offered languages: en, en-XA/);
      assert.equal(
        res.cookies.find((item) => item.name === 'lang'),
        undefined,
      );
    });
  });

  describe(`language of a server without the pseudo-locale on ${dialect}`, () => {
    let t: TestApp;

    before(async () => {
      t = await startTestApp(dialect);
    });

    after(async () => {
      await t.close();
    });

    it('answers en-XA requests in English', async () => {
      const res = await t.request({ method: 'GET', url: '/', headers: pseudoHeaders() });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-language'], 'en');
      assert.match(res.body, /<html lang="en"/);
      assert.doesNotMatch(res.body, /⟦/);
    });

    it('ignores an en-XA cookie', async () => {
      const res = await t.request({ method: 'GET', url: '/signin', cookies: { lang: 'en-XA' } });
      assert.equal(res.headers['content-language'], 'en');
    });

    it('hides the switcher with a single language', async () => {
      const res = await t.request({ method: 'GET', url: '/signin' });
      assert.doesNotMatch(res.body, /action="\/language"/);
    });
  });
}
