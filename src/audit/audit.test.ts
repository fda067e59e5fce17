import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';

interface AuditPage {
  entries: {
    seq: number;
    at: string;
    accountId: string | null;
    accountEmail: string | null;
    action: string;
    target: string | null;
    outcome: string;
    details: Record<string, unknown>;
  }[];
  next: string | null;
}

interface Problem {
  detail: string;
  errors?: { field: string; message: string }[];
}

for (const dialect of testDialects) {
  describe(`audit trail on ${dialect}`, () => {
    let t: TestApp;
    let chEditor: TestAccount;
    let keEditor: TestAccount;
    let chPoc: TestAccount;
    let partner: TestAccount;
    let secretariat: TestAccount;
    let chPocId: string;

    before(async () => {
      t = await startTestApp(dialect);
      chEditor = await t.createAccount('state-editor', { state: 'CH' });
      keEditor = await t.createAccount('state-editor', { state: 'KE' });
      chPoc = await t.createAccount('poc', { state: 'CH' });
      partner = await t.createAccount('partner', { org: 'Audit Partners' });
      secretariat = await t.createAccount('secretariat');
      const created = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        token: chEditor.token,
        payload: {
          level: 'technical',
          name: 'Audit Contact',
          designation: 'Duty officer',
          organisation: 'GovCERT',
          email: 'audit-contact@cert.ch.test',
        },
      });
      assert.equal(created.statusCode, 201);
      chPocId = created.json<{ id: string }>().id;
      await insertPoc(t.ctx, { state: 'KE' });
    });
    after(() => t.close());

    const readAudit = async (query: string, token = secretariat.token) =>
      t.request({ method: 'GET', url: `/api/v1/audit${query}`, token });
    const history = (token: string, id = chPocId) =>
      t.request({ method: 'GET', url: `/api/v1/pocs/${id}/history`, token });

    it('audits a history read of another state', async () => {
      const res = await history(keEditor.token);
      assert.equal(res.statusCode, 404);

      const page = await readAudit(`?account=${keEditor.id}&action=poc.history`);
      assert.equal(page.statusCode, 200);
      const [entry] = page.json<AuditPage>().entries;
      assert.equal(entry?.outcome, 'denied');
      assert.equal(entry.target, `poc:${chPocId}`);
      assert.equal(entry.accountEmail, keEditor.email);
      assert.equal(entry.details.reason, 'not found in own state');
    });

    it('rejects and audits history reads by other roles', async () => {
      for (const account of [chPoc, partner]) {
        const res = await history(account.token);
        assert.equal(res.statusCode, 403);
        assert.match(res.json<Problem>().detail, /editors and the secretariat/);
        const page = await readAudit(`?account=${account.id}&outcome=denied`);
        const entries = page.json<AuditPage>().entries;
        assert.equal(entries.length, 1);
        assert.equal(entries[0]?.action, 'GET /api/v1/pocs/:id/history');
        assert.equal(entries[0].target, `/api/v1/pocs/${chPocId}/history`);
      }
      assert.equal((await history(chEditor.token)).statusCode, 200);
      assert.equal((await history(secretariat.token)).statusCode, 200);
    });

    it('serves the trail to the secretariat only', async () => {
      for (const account of [chEditor, chPoc, partner]) {
        const res = await readAudit('', account.token);
        assert.equal(res.statusCode, 403);
      }
      const anonymous = await t.request({ method: 'GET', url: '/api/v1/audit' });
      assert.equal(anonymous.statusCode, 401);
    });

    it('pages newest first without gaps', async () => {
      for (let i = 0; i < 5; i++) {
        assert.equal((await history(keEditor.token)).statusCode, 404);
      }
      const all = (await readAudit('?limit=500')).json<AuditPage>().entries;
      const seqs = all.map((entry) => entry.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => b - a),
      );

      const paged: number[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor === null ? '?limit=2' : `?limit=2&cursor=${cursor}`;
        const page = (await readAudit(query)).json<AuditPage>();
        assert.ok(page.entries.length <= 2);
        paged.push(...page.entries.map((entry) => entry.seq));
        cursor = page.next;
      } while (cursor !== null);
      assert.deepEqual(paged, seqs);
    });

    it('filters by outcome, action prefix and time', async () => {
      const denied = (await readAudit('?outcome=denied&limit=500')).json<AuditPage>().entries;
      assert.ok(denied.length > 0);
      assert.ok(denied.every((entry) => entry.outcome === 'denied'));
      const prefixed = (await readAudit('?action=poc.&limit=500')).json<AuditPage>().entries;
      assert.ok(prefixed.length > 0);
      assert.ok(prefixed.every((entry) => entry.action.startsWith('poc.')));
      const upper = (await readAudit('?action=POC.')).json<AuditPage>().entries;
      assert.equal(upper.length, 0);
      const wildcard = (await readAudit('?action=poc%25')).json<AuditPage>().entries;
      assert.equal(wildcard.length, 0);

      const now = t.clock.now();
      const later = new Date(now.getTime() + 60_000).toISOString();
      const earlier = new Date(now.getTime() - 60_000).toISOString();
      const future = (await readAudit(`?from=${later}`)).json<AuditPage>().entries;
      assert.equal(future.length, 0);
      const window = (await readAudit(`?from=${earlier}&to=${later}&limit=500`)).json<AuditPage>();
      assert.ok(window.entries.length > 0);
      const past = (await readAudit(`?to=${earlier}`)).json<AuditPage>().entries;
      assert.equal(past.length, 0);
    });

    it('rejects invalid filters with 422', async () => {
      const cases: [string, string][] = [
        ['?outcome=maybe', 'outcome'],
        ['?account=not-an-id', 'account'],
        ['?from=yesterday', 'from'],
        ['?cursor=abc', 'cursor'],
        ['?limit=0', 'limit'],
        ['?actor=x', ''],
        [`?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z`, 'from'],
      ];
      for (const [query, field] of cases) {
        const res = await readAudit(query);
        assert.equal(res.statusCode, 422, query);
        if (field !== '') assert.equal(res.json<Problem>().errors?.[0]?.field, field, query);
      }
    });
  });
}
