import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { refoldSearchKeys } from '../db/migrations/2026-12-05-20-refold-search-keys.ts';
import { foldForSearch } from '../shared/text.ts';
import type { DirectoryState } from './directory.service.ts';

interface Problem {
  code: string;
  errors?: { field: string; message: string }[];
}

describe('foldForSearch', () => {
  const cases: [string, string][] = [
    ['Søren Ærø-Hansen', 'soren aero-hansen'],
    ['Œuvre Straße', 'oeuvre strasse'],
    ['Łukasz Đorđević', 'lukasz dordevic'],
    ['Þórður', 'thordur'],
    ['Kırıkkale', 'kirikkale'],
    ['Amélie Ndùng’u', "amelie ndung'u"],
    ['Ndungʼu ‘x′ `y´', "ndung'u 'x' 'y'"],
    ['Jean‐Luc – Marie', 'jean-luc - marie'],
    ['Zoë Müller', 'zoe muller'],
    ['日本語 Иван', '日本語 иван'],
  ];
  for (const [text, folded] of cases) {
    it(`folds ${text}`, () => {
      assert.equal(foldForSearch(text), folded);
    });
  }
});

for (const dialect of testDialects) {
  describe(`directory search on ${dialect}`, () => {
    let t: TestApp;
    let editor: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      editor = await t.createAccount('state-editor', { state: 'DK' });
      await insertPoc(t.ctx, { state: 'DK', name: 'Søren Ærø-Hansen' });
      await insertPoc(t.ctx, { state: 'KE', name: 'Amélie Ndùng’u' });
      await insertPoc(t.ctx, { state: 'PL', name: 'Łukasz Straße' });
    });
    after(() => t.close());

    async function search(query: string) {
      const url = `/api/v1/directory?q=${encodeURIComponent(query)}`;
      const res = await t.request({ method: 'GET', url });
      assert.equal(res.statusCode, 200);

      return res.json<{ states: DirectoryState[] }>().states.flatMap((s) => s.pocs);
    }

    for (const [query, name] of [
      ['soren', 'Søren Ærø-Hansen'],
      ['AERO-hansen', 'Søren Ærø-Hansen'],
      ["ndung'u", 'Amélie Ndùng’u'],
      ['ndungʼu', 'Amélie Ndùng’u'],
      ['ndung`u', 'Amélie Ndùng’u'],
      ['lukasz strasse', 'Łukasz Straße'],
    ]) {
      it(`finds ${name} by ${query}`, async () => {
        const names = (await search(query ?? '')).map((poc) => poc.name);
        assert.deepEqual(names, [name]);
      });
    }

    it('folds the search on the public page', async () => {
      const res = await t.request({ method: 'GET', url: '/?q=soren+aero' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Søren Ærø-Hansen/);
    });

    it('flags a name that differs by a folded letter as a duplicate', async () => {
      const poc = {
        level: 'policy',
        designation: 'Adviser',
        organisation: 'Agency',
        email: 'first@dk.example',
      };
      const first = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        token: editor.token,
        payload: { ...poc, name: 'Bjørn Ødegård' },
      });
      assert.equal(first.statusCode, 201);

      const second = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        token: editor.token,
        payload: { ...poc, name: 'Bjorn Odegard', email: 'second@dk.example' },
      });
      assert.equal(second.statusCode, 409);
      assert.equal(second.json<Problem>().code, 'duplicate_suspected');
    });

    it('flags a name with look-alike letters of another script', async () => {
      const poc = { level: 'technical', designation: 'Analyst', organisation: 'CERT' };
      const latin = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        token: editor.token,
        payload: { ...poc, name: 'New Person', email: 'np@cert.dk.example' },
      });
      assert.equal(latin.statusCode, 201, latin.body);
      // U+0435 CYRILLIC SMALL LETTER IE in place of each Latin "e".
      const cyrillic = { ...poc, name: 'N\u0435w P\u0435rson', email: 'cyr@cert.dk.example' };

      const flagged = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        token: editor.token,
        payload: cyrillic,
      });
      assert.equal(flagged.statusCode, 409);
      const problem = flagged.json<Problem>();
      assert.equal(problem.code, 'duplicate_suspected');
      assert.equal(problem.errors?.[0]?.field, 'name');
      assert.match(problem.errors[0].message, /New Person/);

      const confirmed = await t.request({
        method: 'POST',
        url: '/api/v1/pocs?confirmDuplicate=true',
        token: editor.token,
        payload: cyrillic,
      });
      assert.equal(confirmed.statusCode, 201, confirmed.body);
      const names = (await search('new person')).map((found) => found.name);
      assert.deepEqual(names, ['New Person']);
    });

    it('recomputes stored name keys in the refolding migration', async () => {
      const { id } = await insertPoc(t.ctx, { state: 'NO', name: 'Åse Bjørnstad' });
      await t.ctx.db.updateTable('pocs').set({ name_key: 'stale' }).where('id', '=', id).execute();

      await refoldSearchKeys.up(t.ctx.db);

      const row = await t.ctx.db
        .selectFrom('pocs')
        .select('name_key')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.name_key, 'ase bjornstad');
    });

    for (const [label, query, message] of [
      ['a NUL character', '%00', /Search must be a single line without control characters/],
      ['201 characters', 'a'.repeat(201), /Search must have at most 200 characters/],
      ['a bidi override', '%E2%80%AEabc', /Search must not contain bidirectional override/],
    ] as const) {
      it(`shows the page again for a search with ${label}`, async () => {
        const res = await t.request({ method: 'GET', url: `/?q=${query}` });
        assert.equal(res.statusCode, 422);
        assert.match(String(res.headers['content-type']), /text\/html/);
        assert.match(res.body, /<form method="get" action="\/" role="search">/);
        assert.match(res.body, /aria-invalid="true"/);
        assert.match(res.body, /aria-describedby="q-error"/);
        assert.match(res.body, message);
        assert.match(res.body, /id="q-error"/);
        assert.match(res.body, /Søren Ærø-Hansen/);
        assert.doesNotMatch(res.body, /\u0000|\u202E/);
      });
    }

    it('keeps the typed text in the search box', async () => {
      const typed = 'x'.repeat(201);
      const res = await t.request({ method: 'GET', url: `/?q=${typed}` });
      assert.match(res.body, new RegExp(`value="${typed}"`));
    });

    it('names a bidi override in the JSON search error', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/directory?q=%E2%80%AE' });
      assert.equal(res.statusCode, 422);
      const problem = res.json<Problem>();
      assert.equal(problem.errors?.[0]?.field, 'q');
      assert.match(problem.errors[0].message, /bidirectional override/);
    });
  });
}
