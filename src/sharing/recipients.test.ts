import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';

interface RecipientsReply {
  accounts: { id: string; email: string; role: string; state: string | null }[];
  organisations: Record<string, unknown>[];
}

const URL = '/api/v1/bundles/recipients';

for (const dialect of testDialects) {
  describe(`share recipients on ${dialect}`, () => {
    let t: TestApp;
    let pocFr: TestAccount;
    let pocDe: TestAccount;
    let pocUnlisted: TestAccount;
    let pocSuspended: TestAccount;
    let editorFr: TestAccount;
    let editorDe: TestAccount;
    let partner: TestAccount;
    let secretariat: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      // PoC accounts whose e-mail is a directory entry's, which every member sees.
      for (const [state, email] of [
        ['FR', 'duty@cert.fr.example'],
        ['DE', 'soc@cert.de.example'],
        ['KE', 'gone@cert.ke.example'],
      ] as const) {
        await insertPoc(t.ctx, { state, email });
      }
      pocFr = await t.createAccount('poc', { state: 'FR', email: 'duty@cert.fr.example' });
      pocDe = await t.createAccount('poc', { state: 'DE', email: 'soc@cert.de.example' });
      pocSuspended = await t.createAccount('poc', { state: 'KE', email: 'gone@cert.ke.example' });
      await t.ctx.db
        .updateTable('accounts')
        .set({ suspended_at: t.clock.now().toISOString() })
        .where('id', '=', pocSuspended.id)
        .execute();
      pocUnlisted = await t.createAccount('poc', { state: 'JP' });
      editorFr = await t.createAccount('state-editor', { state: 'FR' });
      editorDe = await t.createAccount('state-editor', { state: 'DE' });
      partner = await t.createAccount('partner', { org: 'Acme CERT' });
      secretariat = await t.createAccount('secretariat');
    });
    after(() => t.close());

    async function listFor(account: TestAccount): Promise<RecipientsReply> {
      const res = await t.request({ method: 'GET', url: URL, token: account.token });
      assert.equal(res.statusCode, 200, res.body);

      return res.json<RecipientsReply>();
    }

    const emailsOf = (reply: RecipientsReply) => reply.accounts.map((account) => account.email);

    it('shows a PoC the directory PoC accounts only', async () => {
      const emails = emailsOf(await listFor(pocFr));

      assert.deepEqual(emails, [pocDe.email]);
    });

    it('adds own-state accounts for a state editor', async () => {
      const emails = emailsOf(await listFor(editorFr));

      assert.ok(emails.includes(pocFr.email));
      assert.ok(emails.includes(pocDe.email));
      assert.ok(!emails.includes(editorFr.email), 'the caller is left out');
      assert.ok(!emails.includes(editorDe.email), 'another state editor is hidden');
      assert.ok(!emails.includes(pocUnlisted.email), 'a PoC without an entry is hidden');
      assert.ok(!emails.includes(secretariat.email));
    });

    it('shows the secretariat every active account', async () => {
      const emails = emailsOf(await listFor(secretariat));

      for (const account of [pocFr, pocDe, pocUnlisted, editorFr, editorDe, partner]) {
        assert.ok(emails.includes(account.email), account.email);
      }
      assert.ok(!emails.includes(secretariat.email), 'the caller is left out');
      assert.ok(!emails.includes(pocSuspended.email), 'a suspended account is hidden');
    });

    it('lists organisations without clearance', async () => {
      const reply = await listFor(pocFr);

      assert.equal(reply.organisations.length, 1);
      assert.deepEqual(Object.keys(reply.organisations[0] ?? {}).sort(), ['id', 'name']);
      assert.equal(reply.organisations[0]?.name, 'Acme CERT');
    });

    it('rejects partners and anonymous callers', async () => {
      const asPartner = await t.request({ method: 'GET', url: URL, token: partner.token });
      assert.equal(asPartner.statusCode, 403);
      assert.equal(asPartner.json<{ code: string }>().code, 'forbidden');

      const anonymous = await t.request({ method: 'GET', url: URL });
      assert.equal(anonymous.statusCode, 401);
    });

    it('listed recipients are accepted by an upload', async () => {
      const reply = await listFor(pocFr);
      const organisation = reply.organisations[0];
      assert.ok(organisation !== undefined);
      // An organisation named for TLP:AMBER objects must be cleared for them.
      await t.ctx.db
        .updateTable('organisations')
        .set({ clearance: 'amber' })
        .where('id', '=', String(organisation.id))
        .execute();
      const query = new URLSearchParams({
        tlp: 'amber',
        accounts: pocDe.email,
        orgs: String(organisation.id),
      });
      const bundle = {
        type: 'bundle',
        id: `bundle--${randomUUID()}`,
        objects: [
          {
            type: 'indicator',
            spec_version: '2.1',
            id: `indicator--${randomUUID()}`,
            created: '2024-03-05T08:15:30.000Z',
            modified: '2024-03-05T08:15:30.000Z',
            pattern: "[ipv4-addr:value = '203.0.113.9']",
            pattern_type: 'stix',
            valid_from: '2024-03-05T08:15:30Z',
          },
        ],
      };
      const res = await t.request({
        method: 'POST',
        url: `/api/v1/bundles?${query.toString()}`,
        token: pocFr.token,
        payload: bundle,
      });

      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json<{ stored: number }>().stored, 1);
    });
  });
}
