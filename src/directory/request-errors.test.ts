import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';

interface Problem {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

const newPoc = {
  level: 'technical',
  name: 'Ana Duty',
  designation: 'Head of incident response',
  organisation: 'CERT-FR',
  email: 'ana.duty@cert.fr.test',
};

for (const dialect of testDialects) {
  describe(`directory request errors on ${dialect}`, () => {
    let t: TestApp;
    let secretariat: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      secretariat = await t.createAccount('secretariat');
    });
    after(() => t.close());

    async function problemOf(method: 'GET' | 'POST', url: string, payload?: object) {
      const res = await t.request({ method, url, token: secretariat.token, payload });
      assert.equal(res.statusCode, 422, res.body);

      return res.json<Problem>();
    }

    for (const code of ['XX', 'TW']) {
      it(`rejects the PoC list filter ${code}`, async () => {
        const problem = await problemOf('GET', `/api/v1/pocs?state=${code}`);
        assert.equal(problem.errors?.[0]?.field, 'state');
        assert.match(problem.errors[0].message, /not a UN member or observer state code/);
      });
    }

    it('names the descending prefix for health sort', async () => {
      const problem = await problemOf('GET', '/api/v1/directory/health?sort=');
      assert.equal(problem.errors?.[0]?.field, 'sort');
      assert.match(problem.errors[0].message, /leading - for descending order/);
    });

    it('prefixes field paths of a requested new PoC', async () => {
      const problem = await problemOf('POST', '/api/v1/states/FR/change-requests', {
        action: 'create',
        request: 'Note verbale 12/2026',
        poc: { ...newPoc, phone: '+0407123456' },
      });
      assert.deepEqual(
        problem.errors?.map((e) => e.field),
        ['poc.phone'],
      );
    });

    it('explains a state in requested changes to the secretariat', async () => {
      const { id } = await insertPoc(t.ctx, { state: 'FR' });
      const problem = await problemOf('POST', '/api/v1/states/FR/change-requests', {
        action: 'update',
        request: 'Note verbale 13/2026',
        pocId: id,
        changes: { stateCode: 'DE' },
      });
      assert.equal(problem.errors?.[0]?.field, 'changes.stateCode');
      assert.match(problem.errors[0].message, /the state named in the request path/);
      assert.doesNotMatch(problem.errors[0].message, /your own state/);
    });

    it('prefixes field paths of requested changes', async () => {
      const { id } = await insertPoc(t.ctx, { state: 'FR' });
      const problem = await problemOf('POST', '/api/v1/states/FR/change-requests', {
        action: 'update',
        request: 'Note verbale 14/2026',
        pocId: id,
        changes: { name: '' },
      });
      assert.deepEqual(
        problem.errors?.map((e) => e.field),
        ['changes.name'],
      );
    });
  });
}
