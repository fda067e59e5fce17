import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { openStream, type Frame } from '../../test/support/sse-stream.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import type { ExerciseEvent } from '../events/event-catalogue.ts';
import type { JobWorker } from '../jobs/worker.ts';

const MINUTE_MS = 60_000;

function exerciseEntries(frames: readonly Frame[]): (ExerciseEvent & { id: string })[] {
  return frames
    .filter((frame) => frame.event === 'exercise')
    .map((frame) => ({ ...(JSON.parse(frame.data ?? '{}') as ExerciseEvent), id: frame.id ?? '' }));
}

async function waitForEntry(
  frames: readonly Frame[],
  matches: (entry: ExerciseEvent) => boolean,
  timeoutMs = 3000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = exerciseEntries(frames).find(matches);
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`no matching exercise event among ${JSON.stringify(exerciseEntries(frames))}`);
}

for (const dialect of testDialects) {
  describe(`exercise live timeline on ${dialect}`, () => {
    let t: TestApp;
    let worker: JobWorker;
    let baseUrl = '';
    let controller: TestAccount;
    let otherSecretariat: TestAccount;
    let frPoc: TestAccount;
    let partner: TestAccount;
    let exerciseId = '';
    let controllerStream: Awaited<ReturnType<typeof openStream>>;
    let otherStream: Awaited<ReturnType<typeof openStream>>;
    let pocStream: Awaited<ReturnType<typeof openStream>>;

    before(async () => {
      t = await startTestApp(dialect);
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      worker = t.createWorker();
      controller = await t.createAccount('secretariat', { email: 'control@un.example' });
      otherSecretariat = await t.createAccount('secretariat');
      frPoc = await t.createAccount('poc', { state: 'FR', email: 'cert@fr.example' });
      partner = await t.createAccount('partner', { org: 'Grid Operators ISAC' });
      await insertPoc(t.ctx, { state: 'FR', email: 'cert@fr.example' });
      const org = await t.ctx.db
        .updateTable('organisations')
        .set({ clearance: 'amber' })
        .where('name', '=', 'Grid Operators ISAC')
        .returning('id')
        .executeTakeFirstOrThrow();

      const created = await post('/api/v1/exercises', controller, {
        title: 'Grid drill',
        scenario: 'A grid operator reports intrusions.',
        states: ['FR'],
        levels: ['technical'],
        partnerOrgIds: [org.id],
        injects: [
          { kind: 'alert', title: 'Grid alert', offsetMinutes: 0, tlp: 'green' },
          { kind: 'check', title: 'Grid roll call', offsetMinutes: 0 },
          { kind: 'request', title: 'Share logs', body: 'Send logs.', offsetMinutes: 0 },
        ],
      });
      assert.equal(created.statusCode, 201, created.body);
      exerciseId = created.json<{ id: string }>().id;

      controllerStream = await openStream(baseUrl, controller.token);
      otherStream = await openStream(baseUrl, otherSecretariat.token);
      pocStream = await openStream(baseUrl, frPoc.token);
      assert.equal(
        (await post(`/api/v1/exercises/${exerciseId}/start`, controller)).statusCode,
        200,
      );
      await worker.runUntilIdle();
    });
    after(async () => {
      for (const stream of [controllerStream, otherStream, pocStream]) stream.close();
      await t.close();
    });

    function post(url: string, account: TestAccount, payload?: Record<string, unknown>) {
      return t.request({
        method: 'POST',
        url,
        token: account.token,
        ...(payload === undefined ? {} : { payload }),
      });
    }

    async function requestTo(toState: string) {
      const row = await t.ctx.db
        .selectFrom('requests')
        .select('reference')
        .where('to_state', '=', toState)
        .where('exercise_inject_id', 'is not', null)
        .executeTakeFirstOrThrow();

      return row.reference;
    }

    it('sends releases and deliveries to the controller', async () => {
      for (const subject of ['Grid alert', 'Grid roll call', 'Share logs']) {
        const released = await waitForEntry(
          controllerStream.frames,
          (e) => e.kind === 'inject-released' && e.subject === subject,
        );
        assert.equal(released.exerciseId, exerciseId);
        assert.equal(released.who, null);
      }
      const delivered = await waitForEntry(
        controllerStream.frames,
        (e) => e.kind === 'delivered' && e.who?.email === 'cert@fr.example',
      );
      assert.equal(delivered.subject, '[EXERCISE] Grid alert');
      assert.equal(delivered.who?.state, 'FR');
      assert.equal(delivered.who.level, 'technical');
    });

    it('keeps the delivery in the timeline after a reload', async () => {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/exercises/${exerciseId}/timeline`,
        token: controller.token,
      });
      assert.equal(res.statusCode, 200, res.body);
      const texts = res.json<{ entries: { text: string }[] }>().entries.map((e) => e.text);
      assert.ok(
        texts.includes('"[EXERCISE] Grid alert" delivered to technical cert@fr.example'),
        texts.join('\n'),
      );
    });

    it('reports an alert acknowledgement', async () => {
      const alert = await t.ctx.db
        .selectFrom('alerts')
        .select('id')
        .where('exercise_id', '=', exerciseId)
        .executeTakeFirstOrThrow();
      t.clock.advance(2 * MINUTE_MS);
      const ack = await post(`/api/v1/alerts/${alert.id}/acknowledge`, frPoc);
      assert.equal(ack.statusCode, 200, ack.body);

      const entry = await waitForEntry(controllerStream.frames, (e) => e.kind === 'acknowledged');
      assert.equal(entry.subject, '[EXERCISE] Grid alert');
      assert.equal(entry.who?.state, 'FR');
      assert.equal(entry.who.email, 'cert@fr.example');
      assert.equal(entry.at, t.clock.now().toISOString());
    });

    it('reports a check answer', async () => {
      const check = await t.ctx.db
        .selectFrom('checks')
        .select('id')
        .where('exercise_id', '=', exerciseId)
        .executeTakeFirstOrThrow();
      const answer = await post(`/api/v1/checks/${check.id}/answer`, frPoc, { via: 'api' });
      assert.equal(answer.statusCode, 200, answer.body);

      const entry = await waitForEntry(controllerStream.frames, (e) => e.kind === 'answered');
      assert.equal(entry.subject, '[EXERCISE] Grid roll call');
      assert.equal(entry.who?.state, 'FR');
    });

    it('reports a request reply', async () => {
      const reference = await requestTo('FR');
      const reply = await post(`/api/v1/requests/${reference}/replies`, frPoc, {
        type: 'response',
        description: 'Logs attached.',
      });
      assert.equal(reply.statusCode, 201, reply.body);

      const acknowledged = await waitForEntry(
        controllerStream.frames,
        (e) => e.kind === 'request-acknowledged' && e.who?.state === 'FR',
      );
      assert.match(acknowledged.subject, new RegExp(`^${reference} \\[EXERCISE\\] Share logs$`));
      const answered = await waitForEntry(
        controllerStream.frames,
        (e) => e.kind === 'request-answered' && e.who?.state === 'FR',
      );
      assert.equal(answered.who?.level, 'technical');
    });

    it('lets a partner acknowledge and reply', async () => {
      const reference = await requestTo('');
      const ack = await post(`/api/v1/requests/${reference}/acknowledge`, partner);
      assert.equal(ack.statusCode, 200, ack.body);
      assert.equal(ack.json<{ acknowledgedBy: string }>().acknowledgedBy, partner.email);
      const acknowledged = await waitForEntry(
        controllerStream.frames,
        (e) => e.kind === 'request-acknowledged' && e.who?.organisationId !== null,
      );
      assert.equal(acknowledged.who?.state, null);
      assert.equal(acknowledged.who.email, partner.email);

      const reply = await post(`/api/v1/requests/${reference}/replies`, partner, {
        type: 'response',
        description: 'Our members see the same traffic.',
      });
      assert.equal(reply.statusCode, 201, reply.body);
      await waitForEntry(
        controllerStream.frames,
        (e) => e.kind === 'request-answered' && e.who?.email === partner.email,
      );
      const stored = await t.ctx.db
        .selectFrom('requests')
        .select(['answered_at', 'acknowledged_by'])
        .where('reference', '=', reference)
        .executeTakeFirstOrThrow();
      assert.equal(stored.answered_at, t.clock.now().toISOString());
      const sent = await t.ctx.db
        .selectFrom('requests')
        .select(['sender_state', 'sender_organisation', 'to_state'])
        .where('sender_account_id', '=', partner.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(sent, {
        sender_state: '',
        sender_organisation: 'Grid Operators ISAC',
        to_state: '',
      });
    });

    it('rejects a partner reply to a request of others', async () => {
      const reference = await requestTo('FR');
      const reply = await post(`/api/v1/requests/${reference}/replies`, partner, {
        type: 'response',
        description: 'Not ours.',
      });
      assert.equal(reply.statusCode, 404, reply.body);
    });

    it('keeps exercise events from others', () => {
      const controllerCount = exerciseEntries(controllerStream.frames).length;
      assert.ok(controllerCount >= 9, `controller received ${controllerCount} exercise events`);
      assert.deepEqual(exerciseEntries(otherStream.frames), []);
      assert.deepEqual(exerciseEntries(pocStream.frames), []);
      assert.ok(
        pocStream.frames.some((frame) => frame.event === 'alert'),
        'the PoC stream is open and receives its own events',
      );
    });

    it('resumes after Last-Event-ID', async () => {
      const entries = exerciseEntries(controllerStream.frames);
      const firstAnswer = entries.findIndex((e) => e.kind === 'answered');
      const resumeFrom = entries[firstAnswer]?.id ?? '';
      const expected = entries.slice(firstAnswer + 1).map((e) => e.id);
      const resumed = await openStream(baseUrl, controller.token, { 'last-event-id': resumeFrom });
      try {
        // Other events share the stream, so the wait is for the last expected exercise entry.
        const lastId = expected.at(-1) ?? '';
        await waitForEntry(resumed.frames, () =>
          exerciseEntries(resumed.frames).some((e) => e.id === lastId),
        );
        assert.deepEqual(
          exerciseEntries(resumed.frames).map((e) => e.id),
          expected,
        );
        const other = await openStream(baseUrl, otherSecretariat.token, {
          'last-event-id': resumeFrom,
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        other.close();
        assert.deepEqual(exerciseEntries(other.frames), []);
      } finally {
        resumed.close();
      }
    });

    it('writes the controller as a sender with no state', async () => {
      const reference = await requestTo('FR');
      const [mail] = await t.ctx.db
        .selectFrom('mail_outbox')
        .select('text_body')
        .where('to_address', '=', 'cert@fr.example')
        .where('subject', 'like', `%${reference}%`)
        .execute();
      assert.match(mail?.text_body ?? '', /^From: Exercise control <control@un\.example>$/m);
      assert.doesNotMatch(mail?.text_body ?? '', /\(\)/);

      const thread = await t.request({
        method: 'GET',
        url: `/api/v1/requests/${reference}`,
        token: frPoc.token,
      });
      const [first] = thread.json<{
        messages: { sender: { name: string; state: string | null } }[];
      }>().messages;
      assert.deepEqual(first?.sender.state, null);
      assert.equal(first.sender.name, 'Exercise control');
    });

    it('renders the live page for the controller only', async () => {
      const page = await t.request({
        method: 'GET',
        url: `/exercises/${exerciseId}`,
        token: controller.token,
      });
      assert.equal(page.statusCode, 200);
      const policy = String(page.headers['content-security-policy']);
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1] ?? '';
      assert.notEqual(nonce, '');
      assert.ok(page.body.includes(`<script nonce="${nonce}">`), 'script carries the nonce');
      assert.match(page.body, /data-last-event-id="\d+"/);
      assert.match(page.body, new RegExp(`href="/exercises/${exerciseId}"`));
      assert.doesNotMatch(page.body, /http-equiv="refresh"/);

      const other = await t.request({
        method: 'GET',
        url: `/exercises/${exerciseId}`,
        token: otherSecretariat.token,
      });
      assert.equal(other.statusCode, 200);
      assert.doesNotMatch(other.body, /<script/);
      assert.match(other.body, new RegExp(`href="/exercises/${exerciseId}"`));
    });
  });
}
