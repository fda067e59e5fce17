import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';

interface ListBody {
  alerts: { id: string; title: string }[];
  next: string | null;
}

for (const dialect of testDialects) {
  describe(`alert list pages on ${dialect}`, () => {
    let t: TestApp;
    let sender: TestAccount;
    let poc: TestAccount;

    const post = async (title: string, severity: number) => {
      const payload = { title, severity, tlp: 'green', body: '' };
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload,
      });
      assert.equal(res.statusCode, 201, res.body);
    };
    const list = async (query: string) => {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/alerts?${query}`,
        token: poc.token,
      });
      assert.equal(res.statusCode, 200, res.body);

      return res.json<ListBody>();
    };
    const walk = async (sort: string, limit: number) => {
      const titles: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string =
          `sort=${sort}&limit=${limit}` + (cursor === null ? '' : `&cursor=${cursor}`);
        const page = await list(query);
        assert.ok(page.alerts.length <= limit);
        titles.push(...page.alerts.map((alert) => alert.title));
        cursor = page.next;
        pages += 1;
      } while (cursor !== null && pages < 50);

      return { titles, pages };
    };

    before(async () => {
      t = await startTestApp(dialect);
      sender = await t.createAccount('secretariat');
      poc = await t.createAccount('poc', { state: 'PT' });
      await insertPoc(t.ctx, { state: 'PT', email: poc.email });
      // Pairs posted in the same millisecond share created_at, so only `seq` orders them.
      for (const [index, severity] of [2, 5, 2, 0, 2, 3, 5, 1, 2].entries()) {
        await post(`Alert ${index}`, severity);
        if (index % 2 === 1) t.clock.advance(1000);
      }
    });
    after(() => t.close());

    for (const sort of ['-severity', 'severity', 'created', '-created']) {
      it(`pages through every alert once in the ${sort} order`, async () => {
        const whole = (await list(`sort=${sort}&limit=500`)).alerts.map((alert) => alert.title);
        assert.equal(whole.length, 9);
        for (const limit of [1, 2, 4]) {
          const { titles, pages } = await walk(sort, limit);
          assert.deepEqual(titles, whole, `limit ${limit}`);
          assert.equal(pages, Math.ceil(9 / limit));
        }
      });
    }

    it('neither skips nor repeats when alerts arrive between pages', async () => {
      const first = await list('sort=-created&limit=3');
      assert.notEqual(first.next, null);
      await post('Arrived between pages', 4);
      const rest = await walk(`-created&cursor=${first.next ?? ''}`, 500);
      const seen = [...first.alerts.map((alert) => alert.title), ...rest.titles];
      assert.equal(new Set(seen).size, seen.length);
      assert.equal(seen.length, 9, 'the new alert is newer than the first page, so it is not here');
      const refreshed = await list('sort=-created&limit=1');
      assert.equal(refreshed.alerts[0]?.title, 'Arrived between pages');
    });

    it('returns next null on the last page', async () => {
      const page = await list('limit=500');
      assert.equal(page.next, null);
    });

    it('rejects forged and foreign cursors', async () => {
      const forged = [
        '{"a":1}',
        '[9,"x",1]',
        '[9,"9999-99-99T00:00:00.000Z",1]',
        '[9,"2026-12-04T00:00:00.000Z","1 OR 1=1"]',
        '[1.5,"2026-12-04T00:00:00.000Z",1]',
      ].map((text) => Buffer.from(text).toString('base64url'));
      for (const cursor of ['not-a-cursor', ...forged]) {
        const res = await t.request({
          method: 'GET',
          url: `/api/v1/alerts?cursor=${cursor}`,
          token: poc.token,
        });
        assert.equal(res.statusCode, 422);
        assert.match(res.body, /"field":"cursor"/);
      }
      const created = await list('sort=created&limit=1');
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/alerts?sort=-severity&cursor=${created.next ?? ''}`,
        token: poc.token,
      });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /"field":"cursor"/);
    });

    it('rejects a limit outside 1 to 500 naming limit', async () => {
      for (const limit of ['0', '501', 'many']) {
        const res = await t.request({
          method: 'GET',
          url: `/api/v1/alerts?limit=${limit}`,
          token: poc.token,
        });
        assert.equal(res.statusCode, 422);
        assert.match(res.body, /"field":"limit"/);
      }
    });
  });
}
