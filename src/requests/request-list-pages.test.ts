import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';

interface BoxBody {
  requests: { reference: string; subject: string }[];
  next: string | null;
}

for (const dialect of testDialects) {
  describe(`request box pages on ${dialect}`, () => {
    let t: TestApp;
    let frPoc: TestAccount;
    let dePoc: TestAccount;

    const box = async (token: string, query: string) => {
      const res = await t.request({ method: 'GET', url: `/api/v1/requests?${query}`, token });
      assert.equal(res.statusCode, 200, res.body);

      return res.json<BoxBody>();
    };
    const walk = async (token: string, name: string, limit: number) => {
      const subjects: string[] = [];
      let cursor: string | null = null;
      do {
        const page: BoxBody = await box(
          token,
          `box=${name}&limit=${limit}` + (cursor === null ? '' : `&cursor=${cursor}`),
        );
        subjects.push(...page.requests.map((message) => message.subject));
        cursor = page.next;
      } while (cursor !== null && subjects.length < 100);

      return subjects;
    };

    before(async () => {
      t = await startTestApp(dialect);
      frPoc = await t.createAccount('poc', { state: 'FR' });
      dePoc = await t.createAccount('poc', { state: 'DE' });
      await insertPoc(t.ctx, { state: 'FR', email: frPoc.email });
      await insertPoc(t.ctx, { state: 'DE', email: dePoc.email, level: 'technical' });
      // Equal severities with and without a due time, some sent in the same millisecond.
      const plan: [number, number | null][] = [
        [3, 120],
        [3, null],
        [5, null],
        [3, 60],
        [3, null],
        [1, 30],
        [3, 120],
      ];
      for (const [index, [severity, responseMinutes]] of plan.entries()) {
        const payload = {
          type: 'notification',
          toState: 'DE',
          toLevels: ['technical'],
          subject: `Message ${index}`,
          sector: 'Energy',
          description: 'Scanning from one address block.',
          severity,
          tlp: 'green',
          ...(responseMinutes === null ? {} : { responseMinutes }),
        };
        const res = await t.request({
          method: 'POST',
          url: '/api/v1/requests',
          token: frPoc.token,
          payload,
        });
        assert.equal(res.statusCode, 201, res.body);
        if (index % 3 === 2) t.clock.advance(1000);
      }
    });
    after(() => t.close());

    it('orders the inbox by severity, then due time with none last, then age', async () => {
      const whole = await box(dePoc.token, 'box=inbox&limit=500');
      assert.equal(whole.next, null);
      assert.deepEqual(
        whole.requests.map((message) => message.subject),
        ['Message 2', 'Message 3', 'Message 0', 'Message 6', 'Message 1', 'Message 4', 'Message 5'],
      );
    });

    for (const name of ['inbox', 'outbox']) {
      it(`pages through the ${name} once, whatever the page size`, async () => {
        const token = name === 'inbox' ? dePoc.token : frPoc.token;
        const whole = (await box(token, `box=${name}&limit=500`)).requests.map(
          (message) => message.subject,
        );
        assert.equal(whole.length, 7);
        for (const limit of [1, 2, 3]) {
          assert.deepEqual(await walk(token, name, limit), whole, `limit ${limit}`);
        }
      });
    }

    it('rejects a cursor that is not one of this list with 422 naming cursor', async () => {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/requests?cursor=${Buffer.from('[1,2]').toString('base64url')}`,
        token: dePoc.token,
      });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /"field":"cursor"/);
    });
  });
}
