import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook.test-helpers.ts';
import { SIGNATURE_HEADER, signatureHeader, verifySignature } from './signature.ts';
import type { WebhookAlertBody } from './webhooks.schema.ts';
import { receiverKey } from './webhooks.service.ts';

describe('webhook receiver key', () => {
  const cases: [string, string][] = [
    ['HTTPS://Hooks.Example:443/a/./b', 'https://hooks.example/a/b'],
    ['https://hooks.example/p#fragment', 'https://hooks.example/p'],
    ['https://hooks.example/p?', 'https://hooks.example/p'],
    ['https://hooks.example/%70%7e%7E', 'https://hooks.example/p~~'],
    ['https://hooks.example/a%2fb?q=%41%26', 'https://hooks.example/a%2Fb?q=A%26'],
  ];
  for (const [url, key] of cases) {
    it(`reads ${url} as ${key}`, () => {
      assert.equal(receiverKey(url), key);
    });
  }
});

describe('webhook signature', () => {
  const body = '{"type":"alert"}';

  it('verifies its own header within the tolerance', () => {
    const header = signatureHeader('s3cret-s3cret-s3cret', 1_800_000_000, body);
    assert.match(header, /^t=1800000000,v1=[0-9a-f]{64}$/);
    assert.equal(verifySignature('s3cret-s3cret-s3cret', header, body, 1_800_000_100), true);
  });

  it('rejects another secret, body or an old timestamp', () => {
    const header = signatureHeader('s3cret-s3cret-s3cret', 1_800_000_000, body);
    assert.equal(verifySignature('other-secret-value', header, body, 1_800_000_000), false);
    assert.equal(verifySignature('s3cret-s3cret-s3cret', header, `${body} `, 1_800_000_000), false);
    assert.equal(verifySignature('s3cret-s3cret-s3cret', header, body, 1_800_000_301), false);
    assert.equal(verifySignature('s3cret-s3cret-s3cret', undefined, body, 1_800_000_000), false);
  });
});

for (const dialect of testDialects) {
  describe(`webhooks on ${dialect}`, () => {
    let t: TestApp;
    let receiver: WebhookReceiver;
    let status = 200;
    let editor: TestAccount;
    let otherEditor: TestAccount;
    let poc: TestAccount;
    let secretariat: TestAccount;

    before(async () => {
      receiver = await startWebhookReceiver(() => status);
      // The receiver listens on loopback, which webhooks may call only when the operator allows it.
      t = await startTestApp(dialect, { webhookAllowedHosts: ['127.0.0.1'] });
      editor = await t.createAccount('state-editor', { state: 'PT' });
      otherEditor = await t.createAccount('state-editor', { state: 'ES' });
      poc = await t.createAccount('poc', { state: 'PT' });
      secretariat = await t.createAccount('secretariat');
    });
    after(async () => {
      await t.close();
      await receiver.close();
    });
    beforeEach(async () => {
      status = 200;
      receiver.calls.length = 0;
      await t.ctx.db.deleteFrom('webhooks').execute();
      await t.ctx.db.deleteFrom('pocs').execute();
    });

    const addWebhook = async (token: string, payload: Record<string, unknown>) =>
      t.request({ method: 'POST', url: '/api/v1/webhooks', token, payload });
    const publish = async (payload: Record<string, unknown> = {}) => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: secretariat.token,
        payload: {
          title: 'Webhook alert',
          severity: 4,
          tlp: 'green',
          body: 'Details.',
          ...payload,
        },
      });
      assert.equal(res.statusCode, 201, res.body);

      return res.json<{ id: string; webhooks: number }>().id;
    };

    it('adds, lists and removes an endpoint of the own state only', async () => {
      const created = await addWebhook(editor.token, { url: `${receiver.url}/pt` });
      assert.equal(created.statusCode, 201);
      const hook = created.json<{ id: string; owner: string; secret: string }>();
      assert.equal(hook.owner, 'PT');
      assert.match(hook.secret, /^whsec_/);

      const list = await t.request({ method: 'GET', url: '/api/v1/webhooks', token: editor.token });
      const hooks = list.json<{ webhooks: Record<string, unknown>[] }>().webhooks;
      assert.equal(hooks.length, 1);
      assert.equal(hooks[0]?.secret, undefined, 'the secret is shown only once');
      const otherList = await t.request({
        method: 'GET',
        url: '/api/v1/webhooks',
        token: otherEditor.token,
      });
      assert.equal(otherList.json<{ webhooks: unknown[] }>().webhooks.length, 0);

      const foreign = await t.request({
        method: 'DELETE',
        url: `/api/v1/webhooks/${hook.id}`,
        token: otherEditor.token,
      });
      assert.equal(foreign.statusCode, 404);
      const removed = await t.request({
        method: 'DELETE',
        url: `/api/v1/webhooks/${hook.id}`,
        token: editor.token,
      });
      assert.equal(removed.statusCode, 204);
    });

    it('rejects a URL the owner already registered', async () => {
      const first = await addWebhook(editor.token, { url: `${receiver.url}/pt` });
      assert.equal(first.statusCode, 201);
      const id = first.json<{ id: string }>().id;
      for (const [token, payload] of [
        [editor.token, { url: `${receiver.url}/pt` }],
        [secretariat.token, { url: `${receiver.url.toUpperCase()}/pt`, state: 'PT' }],
        [editor.token, { url: `${receiver.url}/pt#section` }],
        [editor.token, { url: `${receiver.url}/pt?` }],
        [editor.token, { url: `${receiver.url}/%70t` }],
        [editor.token, { url: `${receiver.url}/./pt` }],
      ] as const) {
        const again = await addWebhook(token, payload);
        assert.equal(again.statusCode, 409, again.body);
        const problem = again.json<{ detail: string; errors: { field: string }[] }>();
        assert.equal(problem.errors[0]?.field, 'url');
        assert.match(problem.detail, new RegExp(id));
      }
      const otherState = await addWebhook(otherEditor.token, { url: `${receiver.url}/pt` });
      assert.equal(otherState.statusCode, 201);
    });

    it('rejects a non-http URL, another state and a PoC', async () => {
      const ftp = await addWebhook(editor.token, { url: 'ftp://127.0.0.1/hook' });
      assert.equal(ftp.statusCode, 422);
      assert.equal(ftp.json<{ errors: { field: string }[] }>().errors[0]?.field, 'url');
      const foreign = await addWebhook(editor.token, { url: receiver.url, state: 'ES' });
      assert.equal(foreign.statusCode, 403);
      const byPoc = await addWebhook(poc.token, { url: receiver.url });
      assert.equal(byPoc.statusCode, 403);
      const noOwner = await addWebhook(secretariat.token, { url: receiver.url });
      assert.equal(noOwner.statusCode, 422);
    });

    it('rejects internal targets that the allow-list does not name', async () => {
      const port = new URL(receiver.url).port;
      for (const url of [
        `http://127.0.0.2:${port}/x`,
        'http://10.0.0.1/x',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]/x',
        'http://[::ffff:10.0.0.1]/x',
        'http://user:password@127.0.0.1/x',
      ]) {
        const res = await addWebhook(editor.token, { url });
        assert.equal(res.statusCode, 422, url);
        const [error] = res.json<{ errors: { field: string; message: string }[] }>().errors;
        assert.equal(error?.field, 'url', url);
        assert.match(error.message, /webhooks call only public|user name or password|resolved/);
      }
      const stored = await t.ctx.db.selectFrom('webhooks').select('id').execute();
      assert.equal(stored.length, 0);
    });

    it('posts once per endpoint for a group of three members', async () => {
      const members = [];
      for (let i = 0; i < 3; i += 1) members.push(await insertPoc(t.ctx, { state: 'PT' }));
      const { secret } = (
        await addWebhook(editor.token, { url: `${receiver.url}/csirt-pt` })
      ).json<{
        secret: string;
      }>();

      const alertId = await publish();
      await t.createWorker().runUntilIdle();

      assert.equal(receiver.calls.length, 1, 'one POST for the whole group');
      const [call] = receiver.calls;
      assert.ok(call !== undefined);
      const header = call.headers[SIGNATURE_HEADER];
      const now = Math.floor(t.clock.now().getTime() / 1000);
      assert.equal(verifySignature(secret, String(header), call.body, now), true);
      const body = JSON.parse(call.body) as WebhookAlertBody;
      assert.equal(call.headers['idempotency-key'], body.idempotencyKey);
      assert.ok(body.idempotencyKey.startsWith(`${alertId}:`));
      assert.equal(body.alert.id, alertId);
      assert.equal(body.alert.body, 'Details.');
      assert.equal(body.marking, null);

      const mails = await t.ctx.db.selectFrom('mail_outbox').select('to_address').execute();
      for (const member of members) {
        const count = mails.filter((m) => m.to_address === member.email).length;
        assert.equal(count, 1, `${member.email} still gets one personal mail`);
      }
      const report = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${alertId}/deliveries`,
        token: secretariat.token,
      });
      const webhooks = report.json<{ webhooks: { status: string; responseStatus: number }[] }>();
      const [hookRow] = webhooks.webhooks;
      assert.equal(webhooks.webhooks.length, 1);
      assert.equal(hookRow?.status, 'delivered');
      assert.equal(hookRow.responseStatus, 200);
    });

    it('retries a failing endpoint with backoff, then delivers', async () => {
      await insertPoc(t.ctx, { state: 'PT' });
      await addWebhook(editor.token, { url: `${receiver.url}/flaky` });
      status = 503;
      const alertId = await publish();
      const worker = t.createWorker();

      await worker.runUntilIdle();
      assert.equal(receiver.calls.length, 1);
      t.clock.advance(29_000);
      await worker.runUntilIdle();
      assert.equal(receiver.calls.length, 1, 'no retry before the backoff');
      status = 200;
      t.clock.advance(1_000);
      await worker.runUntilIdle();
      assert.equal(receiver.calls.length, 2);
      assert.equal(
        receiver.calls[0]?.headers['idempotency-key'],
        receiver.calls[1]?.headers['idempotency-key'],
      );

      const row = await t.ctx.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('alert_id', '=', alertId)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'delivered');
      assert.equal(row.attempts, 2);
    });

    it('fails for good on a 4xx and records the reason', async () => {
      await insertPoc(t.ctx, { state: 'PT' });
      await addWebhook(editor.token, { url: `${receiver.url}/gone` });
      status = 410;
      const alertId = await publish();
      await t.createWorker().runUntilIdle();
      t.clock.advance(3_600_000);
      await t.createWorker().runUntilIdle();

      assert.equal(receiver.calls.length, 1);
      const row = await t.ctx.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('alert_id', '=', alertId)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'failed');
      assert.match(row.failure_reason ?? '', /HTTP 410/);
    });

    it('reads an organisation id in any case as that organisation', async () => {
      const partner = await t.createAccount('partner', { org: `Case Labs ${dialect}` });
      const org = await t.ctx.db
        .selectFrom('organisations')
        .select('id')
        .where('name', '=', `Case Labs ${dialect}`)
        .executeTakeFirstOrThrow();
      const upper = org.id.toUpperCase();
      const bySecretariat = await addWebhook(secretariat.token, {
        url: `${receiver.url}/case`,
        organisation: upper,
      });
      assert.equal(bySecretariat.statusCode, 201, bySecretariat.body);
      assert.equal(bySecretariat.json<{ owner: string }>().owner, org.id);
      const byPartner = await addWebhook(partner.token, {
        url: `${receiver.url}/case-own`,
        organisation: upper,
      });
      assert.equal(byPartner.statusCode, 201, byPartner.body);
    });

    it('posts to a partner organisation once', async () => {
      const partners = [
        await t.createAccount('partner', { org: `Hunters ${dialect}` }),
        await t.createAccount('partner', { org: `Hunters ${dialect}` }),
      ];
      const created = await addWebhook(partners[0]?.token ?? '', { url: `${receiver.url}/org` });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json<{ ownerKind: string }>().ownerKind, 'organisation');

      const alertId = await publish({ partners: true });
      await t.createWorker().runUntilIdle();

      assert.equal(receiver.calls.length, 1);
      const body = JSON.parse(receiver.calls[0]?.body ?? '{}') as WebhookAlertBody;
      assert.equal(body.alert.id, alertId);
    });

    it('marks an exercise and skips TLP:RED and inactive endpoints', async () => {
      const member = await insertPoc(t.ctx, { state: 'PT' });
      const inactive = await addWebhook(editor.token, { url: `${receiver.url}/off` });
      await t.request({
        method: 'PATCH',
        url: `/api/v1/webhooks/${inactive.json<{ id: string }>().id}`,
        token: editor.token,
        payload: { isActive: false },
      });
      await addWebhook(editor.token, { url: `${receiver.url}/on` });

      await publish({ exercise: true });
      await publish({ tlp: 'red', accounts: [member.email] });
      await t.createWorker().runUntilIdle();

      assert.equal(receiver.calls.length, 1);
      const [call] = receiver.calls;
      assert.equal(call?.path, '/on');
      const body = JSON.parse(call.body) as WebhookAlertBody;
      assert.equal(body.marking, 'EXERCISE');
      assert.equal(body.alert.exercise, true);
      assert.match(body.alert.title, /^EXERCISE: /);
      assert.match(body.alert.body, /^EXERCISE/);
    });
  });

  describe(`webhook targets by default on ${dialect}`, () => {
    let t: TestApp;
    let receiver: WebhookReceiver;
    let editor: TestAccount;
    let secretariat: TestAccount;

    before(async () => {
      receiver = await startWebhookReceiver();
      t = await startTestApp(dialect);
      editor = await t.createAccount('state-editor', { state: 'CH' });
      secretariat = await t.createAccount('secretariat');
      await insertPoc(t.ctx, { state: 'CH' });
    });
    after(async () => {
      await t.close();
      await receiver.close();
    });

    it('rejects a loopback URL at registration', async () => {
      for (const url of [`${receiver.url}/hook-ch`, 'http://localhost:2527/hook-ch']) {
        const res = await t.request({
          method: 'POST',
          url: '/api/v1/webhooks',
          token: editor.token,
          payload: { url },
        });
        assert.equal(res.statusCode, 422, url);
        const [error] = res.json<{ errors: { field: string; message: string }[] }>().errors;
        assert.equal(error?.field, 'url');
        assert.match(error.message, /127\.0\.0\.1.* is a loopback address/);
        assert.match(error.message, /WEBHOOK_ALLOWED_HOSTS/);
      }
    });

    it('refuses at delivery a target that became internal, without retry', async () => {
      // Stored directly, as if the name had resolved to a public address at registration.
      const port = new URL(receiver.url).port;
      await t.ctx.db
        .insertInto('webhooks')
        .values({
          id: `rebound-${dialect}`,
          owner_kind: 'state',
          owner: 'CH',
          url: `http://localhost:${port}/rebound`,
          secret: 'rebound-secret-value',
          is_active: 1,
          created_by: editor.id,
          created_at: t.clock.now().toISOString(),
        })
        .execute();
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: secretariat.token,
        payload: { title: 'Rebound', severity: 3, tlp: 'green', body: 'b', states: ['CH'] },
      });
      assert.equal(res.statusCode, 201, res.body);
      const alertId = res.json<{ id: string }>().id;

      const worker = t.createWorker();
      await worker.runUntilIdle();
      t.clock.advance(3_600_000);
      await worker.runUntilIdle();

      assert.equal(receiver.calls.length, 0, 'nothing reached the loopback receiver');
      const row = await t.ctx.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('alert_id', '=', alertId)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'failed');
      assert.equal(row.attempts, 1);
      assert.match(row.failure_reason ?? '', /localhost resolves to 127\.0\.0\.1/);
      const report = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${alertId}/deliveries`,
        token: secretariat.token,
      });
      const [hook] = report.json<{ webhooks: { status: string; failureReason: string }[] }>()
        .webhooks;
      assert.equal(hook?.status, 'failed');
      assert.match(hook.failureReason, /loopback address/);
    });
  });
}
