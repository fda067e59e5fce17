import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import type { DocumentView } from './library.schema.ts';

// A partner organisation cleared for TLP:AMBER when its account adds an AMBER document, and
// lowered to TLP:GREEN afterwards, reads nothing more of it through the API or the pages.
for (const dialect of testDialects) {
  describe(`library after a lowered partner clearance on ${dialect}`, () => {
    let t: TestApp;
    let author: TestAccount;
    let colleague: TestAccount;
    let secretariat: TestAccount;
    let organisationId = '';
    let documentId = '';

    before(async () => {
      t = await startTestApp(dialect);
      author = await t.createAccount('partner', { org: 'Example Hunters' });
      colleague = await t.createAccount('partner', { org: 'Example Hunters' });
      secretariat = await t.createAccount('secretariat');
      const row = await t.ctx.db
        .selectFrom('accounts')
        .select('organisation_id')
        .where('id', '=', author.id)
        .executeTakeFirstOrThrow();
      organisationId = row.organisation_id ?? '';
    });
    after(() => t.close());

    const setClearance = async (clearance: string) => {
      const res = await t.request({
        method: 'PATCH',
        url: `/api/v1/organisations/${organisationId}`,
        token: secretariat.token,
        payload: { clearance },
      });
      assert.equal(res.statusCode, 200, res.body);
    };
    const get = (url: string, token: string) => t.request({ method: 'GET', url, token });

    it('reads the AMBER document while cleared', async () => {
      await setClearance('amber');
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/library',
        token: author.token,
        payload: { title: 'Hunters playbook', body: 'Amber playbook body', tlp: 'amber' },
      });
      assert.equal(res.statusCode, 201, res.body);
      documentId = res.json<DocumentView>().id;
      const read = await get(`/api/v1/library/${documentId}`, colleague.token);
      assert.equal(read.statusCode, 200);
      assert.match(read.body, /Amber playbook body/);
    });

    it('hides the document after the downgrade', async () => {
      await setClearance('green');
      const unknown = await get('/api/v1/library/no-such-document', colleague.token);
      assert.equal(unknown.statusCode, 404);
      for (const account of [author, colleague]) {
        for (const url of [
          `/api/v1/library/${documentId}`,
          `/api/v1/library/${documentId}/versions`,
          `/library/${documentId}`,
        ]) {
          const res = await get(url, account.token);
          assert.equal(res.statusCode, 404, `${url} for ${account.email}`);
          assert.doesNotMatch(res.body, /Amber playbook body|Hunters playbook/);
        }
        const list = await get('/api/v1/library?q=playbook', account.token);
        assert.equal(list.statusCode, 200);
        assert.doesNotMatch(list.body, /Hunters playbook/);
        const page = await get('/library?q=playbook', account.token);
        assert.equal(page.statusCode, 200);
        assert.doesNotMatch(page.body, /Hunters playbook/);
      }
    });
  });
}
