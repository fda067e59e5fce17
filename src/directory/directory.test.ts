import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync } from 'node:zlib';

import { parse } from 'csv-parse/sync';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import type { DirectoryState } from './directory.service.ts';

for (const dialect of testDialects) {
  describe(`public directory on ${dialect}`, () => {
    let t: TestApp;
    let member: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      member = await t.createAccount('poc', { state: 'KE' });
      await insertPoc(t.ctx, {
        state: 'CH',
        level: 'technical',
        name: 'Zoë Müller',
        phone: '+41225550123',
      });
      await insertPoc(t.ctx, { state: 'CH', level: 'diplomatic', name: 'Jean Rochat' });
      await insertPoc(t.ctx, { state: 'KE', level: 'policy', name: '=HYPERLINK("http://x")' });
    });
    after(() => t.close());

    async function directory(token?: string, query = '') {
      const res = await t.request({ method: 'GET', url: `/api/v1/directory${query}`, token });
      assert.equal(res.statusCode, 200);

      return res.json<{ states: DirectoryState[] }>().states;
    }

    it('lists all 195 UN member and observer states', async () => {
      const states = await directory();
      assert.equal(states.length, 195);
      assert.equal(states.filter((s) => s.status === 'observer').length, 2);
      assert.ok(states.some((s) => s.code === 'PS' && s.alpha3 === 'PSE'));
    });

    it('shows designated levels and public fields to the public', async () => {
      const ch = (await directory()).find((s) => s.code === 'CH');
      assert.ok(ch);
      assert.deepEqual(ch.levels, ['diplomatic', 'technical']);
      const poc = ch.pocs.find((p) => p.level === 'technical');
      assert.ok(poc);
      assert.equal(poc.name, 'Zoë Müller');
      assert.deepEqual(Object.keys(poc).sort(), [
        'designation',
        'email',
        'id',
        'languages',
        'lastConfirmedAt',
        'level',
        'name',
        'organisation',
        'role',
        'stale',
        'timeZone',
      ]);
    });

    it('adds the telephone for signed-in members', async () => {
      const ch = (await directory(member.token)).find((s) => s.code === 'CH');
      const poc = ch?.pocs.find((p) => p.level === 'technical');
      assert.equal(poc?.phone, '+41225550123');
    });

    it('finds a name whatever its accents or case', async () => {
      const states = await directory(undefined, '?q=ZOE%20MULLER');
      assert.deepEqual(
        states.map((s) => s.code),
        ['CH'],
      );
      assert.deepEqual(
        states[0]?.pocs.map((p) => p.name),
        ['Zoë Müller'],
      );
      const byState = await directory(undefined, '?q=switz');
      assert.deepEqual(
        byState.map((s) => s.code),
        ['CH'],
      );
    });

    it('renders the public page without scripts, telephones hidden', async () => {
      const res = await t.request({ method: 'GET', url: '/?q=zoe' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /text\/html/);
      assert.match(res.body, /Zoë Müller/);
      assert.doesNotMatch(res.body, /\+41225550123/);
      assert.doesNotMatch(res.body, /<script/);
    });

    it('escapes PoC text in the page', async () => {
      await insertPoc(t.ctx, { state: 'GH', name: '<img src=x onerror=alert(1)>' });
      const res = await t.request({ method: 'GET', url: '/?q=img' });
      assert.doesNotMatch(res.body, /<img src=x/);
      assert.match(res.body, /&lt;img src=x onerror=alert\(1\)&gt;/);
    });

    it('exports CSV with formulas neutralised and phones for members only', async () => {
      const pub = await t.request({ method: 'GET', url: '/api/v1/directory.csv' });
      assert.match(String(pub.headers['content-type']), /text\/csv/);
      const rows = parse<Record<string, string>>(pub.body, { columns: true, bom: true });
      assert.ok(rows.length >= 3);
      assert.ok(rows.every((row) => row.phone === ''));
      const ke = rows.find((r) => r.state_code === 'KE');
      assert.equal(ke?.name, `'=HYPERLINK("http://x")`);

      const res = await t.request({
        method: 'GET',
        url: '/api/v1/directory.csv',
        token: member.token,
      });
      const memberRows = parse<Record<string, string>>(res.body, { columns: true, bom: true });
      const zoe = memberRows.find((r) => r.name === 'Zoë Müller');
      assert.equal(zoe?.phone, '+41225550123');
      assert.equal(zoe.state_name, 'Switzerland');
    });

    it('negotiates the coding of the cached page', async () => {
      const browser = await t.request({
        method: 'GET',
        url: '/',
        headers: { 'accept-encoding': 'gzip, deflate, br, zstd' },
      });
      assert.equal(browser.statusCode, 200);
      assert.equal(browser.headers['content-encoding'], 'br');
      assert.match(brotliDecompressSync(browser.rawPayload).toString('utf8'), /<html/);
      assert.match(String(browser.headers.vary), /Accept-Encoding/);

      const plain = await t.request({ method: 'GET', url: '/api/v1/directory' });
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.ok(Array.isArray(plain.json<{ states: unknown }>().states));

      const notAcceptable = await t.request({
        method: 'GET',
        url: '/api/v1/directory',
        headers: { 'accept-encoding': 'gzip;q=0, br;q=0, identity;q=0' },
      });
      assert.equal(notAcceptable.statusCode, 406);
      assert.equal(notAcceptable.headers.etag, undefined);
      assert.match(notAcceptable.json<{ detail: string }>().detail, /Accept-Encoding/);
    });

    it('answers 304 to any matching tag in If-None-Match', async () => {
      const first = await t.request({ method: 'GET', url: '/api/v1/directory' });
      const etag = String(first.headers.etag);
      for (const header of [etag, `"stale", ${etag}`, etag.replace(/^W\//, ''), '*']) {
        const again = await t.request({
          method: 'GET',
          url: '/api/v1/directory',
          headers: { 'if-none-match': header },
        });
        assert.equal(again.statusCode, 304, header);
      }
    });

    it('serves a cached page that follows every change, with ETag and gzip', async () => {
      const first = await t.request({
        method: 'GET',
        url: '/api/v1/directory',
        headers: { 'accept-encoding': 'gzip' },
      });
      assert.equal(first.headers['content-encoding'], 'gzip');
      const etag = String(first.headers.etag);
      const again = await t.request({
        method: 'GET',
        url: '/api/v1/directory',
        headers: { 'if-none-match': etag },
      });
      assert.equal(again.statusCode, 304);

      const editor = await t.createAccount('state-editor', { state: 'CH' });
      const created = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        token: editor.token,
        payload: {
          level: 'policy',
          name: 'Fresh Entry',
          designation: 'Adviser',
          organisation: 'Federal Office',
          email: 'fresh@ch.example',
        },
      });
      assert.equal(created.statusCode, 201);
      const after = await t.request({
        method: 'GET',
        url: '/api/v1/directory',
        headers: { 'if-none-match': etag },
      });
      assert.equal(after.statusCode, 200);
      assert.notEqual(after.headers.etag, etag);
      assert.match(after.body, /Fresh Entry/);
      const page = await t.request({ method: 'GET', url: '/?q=fresh' });
      assert.match(page.body, /Fresh Entry/);
    });
  });
}
