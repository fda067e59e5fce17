import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import Database from 'better-sqlite3';
import pino from 'pino';

import { insertPoc } from '../../test/support/factories.ts';
import { createAccount, createToken } from '../accounts/accounts.service.ts';
import { createContext } from '../app/context-factory.ts';
import { loadConfig } from '../config/config.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../mail/smtp.test-helpers.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../webhooks/webhook.test-helpers.ts';

const RECIPIENTS = 120;

/** Starts `src/main.ts` as a child process and resolves with it and its port once it serves. */
async function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`server did not start: ${output}`));
    }, 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${String(code)}: ${output}`));
    });
  });

  return { child, port };
}

async function waitForExit(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
}

async function waitUntil(check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(50);
}

describe('alert fan-out across a killed server', () => {
  const file = `/tmp/parley_crash_${randomBytes(6).toString('hex')}.db`;
  let smtp: TestSmtpServer;
  let receiver: WebhookReceiver;
  let token = '';
  const emails: string[] = [];
  const children: ChildProcess[] = [];

  before(async () => {
    smtp = await startTestSmtpServer({ delayMs: 15 });
    receiver = await startWebhookReceiver();
    const config = loadConfig({ DATABASE_URL: file, LOG_LEVEL: 'silent', DEMO_DATA: 'off' });
    const ctx = await createContext(config, pino({ level: 'silent' }));
    const sender = await createAccount(ctx, {
      email: 'sender@secretariat.test',
      role: 'secretariat',
      password: 'a-long-enough-password',
    });
    token = (await createToken(ctx, sender.email, 'crash test')).token;
    for (let i = 0; i < RECIPIENTS; i += 1) {
      emails.push((await insertPoc(ctx, { state: i % 2 === 0 ? 'FR' : 'DE' })).email);
    }
    await ctx.db
      .insertInto('webhooks')
      .values({
        id: 'crash-test-hook',
        owner_kind: 'state',
        owner: 'FR',
        url: `${receiver.url}/fr`,
        secret: 'crash-test-secret-value',
        is_active: 1,
        created_by: sender.id,
        created_at: new Date().toISOString(),
      })
      .execute();
    await ctx.bus.close();
    ctx.mailer.close();
    await ctx.database.close();
  });
  after(async () => {
    for (const child of children) {
      child.kill('SIGKILL');
      await waitForExit(child);
    }
    await smtp.close();
    await receiver.close();
    await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(file + suffix, { force: true })));
  });

  it('delivers every mail and webhook once after kill -9', async () => {
    const env = {
      DATABASE_URL: file,
      SMTP_URL: smtp.url,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DEMO_DATA: 'off',
      // The webhook receiver listens on loopback, which the operator must allow explicitly.
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    };
    const first = await startServer(env);
    children.push(first.child);
    const res = await fetch(`http://127.0.0.1:${first.port}/api/v1/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Crash test', severity: 4, tlp: 'green', body: 'Body.' }),
    });
    assert.equal(res.status, 201);
    const { id: alertId } = (await res.json()) as { id: string };

    await waitUntil(() => smtp.received.length >= 20, 30_000);
    first.child.kill('SIGKILL');
    await waitForExit(first.child);
    const beforeRestart = smtp.received.length;
    assert.ok(beforeRestart < RECIPIENTS, `the kill came during the fan-out (${beforeRestart})`);

    // The killed process held job leases of 5 minutes. Expiring them replaces that wait.
    const sqlite = new Database(file);
    sqlite
      .prepare("update jobs set locked_until = '1970-01-01T00:00:00.000Z' where status = 'running'")
      .run();
    sqlite.close();

    const second = await startServer(env);
    children.push(second.child);
    const distinct = () => new Set(smtp.received.map((r) => r.envelopeTo[0])).size;
    await waitUntil(() => distinct() >= RECIPIENTS && receiver.calls.length >= 1, 60_000);
    await sleep(500);

    for (const email of emails) {
      const mails = smtp.to(email);
      const ids = new Set(mails.map((r) => r.mail.messageId));
      assert.ok(mails.length >= 1, `${email} got the alert`);
      assert.equal(ids.size, 1, `${email} got one distinct message`);
    }
    // A job killed between the server's acceptance and its database update runs again with the
    // same Message-ID; at most one such job per worker slot (4) was in flight.
    const resent = smtp.received.length - RECIPIENTS;
    assert.ok(resent >= 0, `${resent} mails fewer than recipients`);
    assert.ok(resent <= 4, `resent ${resent} mails with the same Message-ID`);
    const keys = new Set(receiver.calls.map((call) => call.headers['idempotency-key']));
    assert.equal(keys.size, 1, 'one webhook call for the alert');
    assert.ok(receiver.calls.length <= 2);

    const report = await fetch(
      `http://127.0.0.1:${second.port}/api/v1/alerts/${alertId}/deliveries`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    const body = (await report.json()) as {
      counts: { delivered: number; webhooksDelivered: number };
    };
    assert.equal(body.counts.delivered, RECIPIENTS);
    assert.equal(body.counts.webhooksDelivered, 1);
  });
});
