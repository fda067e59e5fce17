import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import pino from 'pino';

import { startTestApp, TestClock, type TestApp } from '../../test/support/test-app.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { buildApp } from '../app/app.ts';
import type { AppContext } from '../app/context.ts';
import { openDatabase } from '../db/database.ts';
import { createMailer } from '../mail/mailer.ts';
import { createEventBus } from './event-bus.ts';

const hasPostgres =
  process.env.TEST_DATABASE_URL !== undefined && process.env.TEST_DATABASE_URL !== '';

/** Reads SSE frames from a stream until `count` events with a name have arrived or time runs out. */
async function readEvents(body: ReadableStream<Uint8Array>, count: number, timeoutMs: number) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: string }[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  while (events.length < count && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), sleep(deadline - Date.now(), null)]);
    if (chunk === null || chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event !== undefined && data !== undefined) events.push({ event, data });
    }
  }
  await reader.cancel();

  return events;
}

describe(
  'live events across two instances on postgres',
  { skip: !hasPostgres && 'TEST_DATABASE_URL is not set, so the PostgreSQL-only test is skipped' },
  () => {
    let a: TestApp;
    let bCtx: AppContext;
    let b: Awaited<ReturnType<typeof buildApp>>;

    before(async () => {
      a = await startTestApp('postgres');
      await a.app.listen({ host: '127.0.0.1', port: 0 });
      // Instance B: its own pool, bus and HTTP app on the same PostgreSQL database.
      const database = openDatabase(a.database.url);
      const logger = pino({ level: 'silent' });
      const clock = new TestClock();
      const bus = await createEventBus(database, logger);
      const mailer = createMailer({ ...a.ctx.config, db: database.db, clock, logger });
      bCtx = { config: a.ctx.config, database, db: database.db, clock, logger, bus, mailer };
      b = await buildApp(bCtx);
      await b.ready();
    });
    after(async () => {
      await b.close();
      await bCtx.bus.close();
      bCtx.mailer.close();
      await bCtx.database.close();
      await a.close();
    });

    it('streams an alert posted on B to a PoC connected to A', async () => {
      const sender = await a.createAccount('secretariat');
      const poc = await a.createAccount('poc', { state: 'FR' });
      await insertPoc(a.ctx, { state: 'FR', email: poc.email });
      const port = (a.app.server.address() as AddressInfo).port;
      const stream = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
        headers: { authorization: `Bearer ${poc.token}` },
      });
      assert.equal(stream.status, 200);
      assert.ok(stream.body !== null);
      // Give A's hub time to register the stream before B publishes.
      await sleep(200);

      const res = await b.inject({
        method: 'POST',
        url: '/api/v1/alerts',
        headers: { authorization: `Bearer ${sender.token}` },
        payload: { title: 'Posted on B', severity: 4, tlp: 'green', body: '' },
      });
      assert.equal(res.statusCode, 201);
      const alertId = res.json<{ id: string }>().id;

      const events = await readEvents(stream.body, 1, 5000);
      const [event] = events;
      assert.equal(events.length, 1);
      assert.equal(event?.event, 'alert');
      const data = JSON.parse(event.data) as { id: string; title: string };
      assert.equal(data.id, alertId);
      assert.equal(data.title, 'Posted on B');
    });

    it('closes a stream on A when B suspends its account', async () => {
      const secretariat = await a.createAccount('secretariat');
      const poc = await a.createAccount('poc', { state: 'DE' });
      await insertPoc(a.ctx, { state: 'DE', email: poc.email });
      const port = (a.app.server.address() as AddressInfo).port;
      const stream = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
        headers: { authorization: `Bearer ${poc.token}` },
      });
      assert.equal(stream.status, 200);
      assert.ok(stream.body !== null);
      await sleep(200);

      const suspended = await b.inject({
        method: 'POST',
        url: `/api/v1/users/${poc.id}/suspend`,
        headers: { authorization: `Bearer ${secretariat.token}` },
      });
      assert.equal(suspended.statusCode, 200);
      const sent = await b.inject({
        method: 'POST',
        url: '/api/v1/alerts',
        headers: { authorization: `Bearer ${secretariat.token}` },
        payload: { title: 'After suspension', severity: 2, tlp: 'green', body: '', states: ['DE'] },
      });
      assert.equal(sent.statusCode, 201);

      const reader = stream.body.getReader();
      const decoder = new TextDecoder();
      let text = '';
      let isEnded = false;
      const deadline = Date.now() + 5000;
      while (!isEnded && Date.now() < deadline) {
        const chunk = await Promise.race([reader.read(), sleep(deadline - Date.now(), null)]);
        if (chunk === null) break;
        if (chunk.done) isEnded = true;
        else text += decoder.decode(chunk.value, { stream: true });
      }
      assert.equal(isEnded, true);
      assert.doesNotMatch(text, /After suspension/);
    });
  },
);
