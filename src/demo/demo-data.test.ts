import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';

import { signIn } from '../accounts/accounts.service.ts';
import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';
import { loadDemoData, type DemoAccount } from './demo-data.ts';

for (const dialect of testDialects) {
  describe(`demo data on ${dialect}`, () => {
    let t: TestApp;
    let accounts: DemoAccount[];

    before(async () => {
      t = await startTestApp(dialect);
      const loaded = await loadDemoData(t.ctx);
      assert.ok(loaded);
      accounts = loaded.accounts;
    });
    after(() => t.close());

    it('creates one account of every role whose password signs in', async () => {
      assert.deepEqual([...new Set(accounts.map((a) => a.role))].sort(), [
        'partner',
        'poc',
        'secretariat',
        'state-editor',
      ]);
      for (const account of accounts) {
        const session = await signIn(t.ctx, account.email, account.password);
        assert.ok(session, account.email);
      }
    });

    it('designates all three levels for every demo state', async () => {
      const rows = await t.ctx.db.selectFrom('pocs').select(['state_code', 'level']).execute();
      for (const state of ['CH', 'KE', 'SG']) {
        const levels = new Set(rows.filter((r) => r.state_code === state).map((r) => r.level));
        assert.deepEqual([...levels].sort(), ['diplomatic', 'policy', 'technical'], state);
      }
    });

    it('shares every APT1 report object as TLP:GREEN', async () => {
      const bundle = JSON.parse(await readFile('demo/apt1.json', 'utf8')) as { objects: unknown[] };
      const stored = await t.ctx.db.selectFrom('stix_objects').select(['tlp']).execute();
      assert.equal(stored.length, bundle.objects.length);
      assert.deepEqual([...new Set(stored.map((row) => row.tlp))], ['green']);
    });

    it('loads nothing into a database that has accounts', async () => {
      assert.equal(await loadDemoData(t.ctx), null);
    });
  });
}
