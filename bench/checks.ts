import { rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

import pino from 'pino';

import { buildApp } from '../src/app/app.ts';
import { createContext } from '../src/app/context-factory.ts';
import type { AppContext } from '../src/app/context.ts';
import { startCheck } from '../src/checks/checks.service.ts';
import { loadConfig } from '../src/config/config.ts';
import { createJobWorker } from '../src/jobs/job-registry.ts';
import { hashSecret, newId } from '../src/shared/crypto.ts';

/** Figures of one run of the check benchmark. */
export interface ChecksBenchResult {
  recipients: number;
  answersRecorded: number;
  /** Answers recorded per second, from the first POST to the last reply. */
  answersPerSecond: number;
  /** Time to compute the secretariat's results page of the check, after all answers. */
  resultsPageMs: number;
  /** Time to compute the public aggregates (JSON) of the check, after all answers. */
  summaryMs: number;
}

const STATES = ['FR', 'DE', 'BR', 'JP', 'KE', 'IN', 'MX', 'NO', 'PT', 'ZA'];
const LEVELS = ['diplomatic', 'policy', 'technical'];

async function seed(ctx: AppContext, count: number) {
  const now = ctx.clock.now().toISOString();
  const secretariatId = newId();
  const token = `bench-secretariat-${newId()}`;
  await ctx.db
    .insertInto('accounts')
    .values({
      id: secretariatId,
      email: 'secretariat@bench.test',
      email_key: 'secretariat@bench.test',
      role: 'secretariat',
      state_code: null,
      organisation_id: null,
      password_hash: null,
      suspended_at: null,
      created_at: now,
    })
    .execute();
  await ctx.db
    .insertInto('api_tokens')
    .values({
      id: newId(),
      account_id: secretariatId,
      token_hash: hashSecret(token),
      label: 'bench',
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();

  const pocs = Array.from({ length: count }, (_, i) => {
    const state = STATES[i % STATES.length] ?? 'FR';
    const email = `poc-${i}@bench.test`;
    return {
      id: newId(),
      state_code: state,
      level: LEVELS[Math.floor(i / STATES.length) % LEVELS.length] ?? 'technical',
      name: `Contact ${i}`,
      designation: 'Duty officer',
      organisation: `CERT ${state}`,
      email,
      email_key: email,
      phone: null,
      created_at: now,
      updated_at: now,
      created_by: null,
      updated_by: null,
    };
  });
  for (let i = 0; i < pocs.length; i += 400) {
    await ctx.db
      .insertInto('pocs')
      .values(pocs.slice(i, i + 400))
      .execute();
  }

  return { secretariatId, token };
}

function request(port: number, method: string, path: string, headers = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Starts the app on 127.0.0.1 with a fresh SQLite file in /tmp (or the PostgreSQL database in
 * `databaseUrl`), sends one check to `count` PoCs, posts every answer through the personal link
 * at once and times the results page and the aggregates afterwards.
 */
export async function benchChecks(count = 1000, databaseUrl?: string): Promise<ChecksBenchResult> {
  const path = `/tmp/parley-bench-checks-${newId()}.db`;
  const config = {
    ...loadConfig({ DATABASE_URL: databaseUrl ?? path, LOG_LEVEL: 'silent' }),
    demoData: false,
  };
  const ctx = await createContext(config, pino({ level: 'silent' }));
  const app = await buildApp(ctx);
  const worker = createJobWorker(ctx);

  try {
    const { secretariatId, token } = await seed(ctx, count);
    const input = {
      title: 'Benchmark check',
      levels: [],
      states: [],
      regions: [],
      windowMinutes: 24 * 60,
      reminderMinutes: [],
    };
    const check = await startCheck(ctx, { accountId: secretariatId, stateCode: null }, input);
    await worker.runUntilIdle();
    const mails = await ctx.db.selectFrom('mail_outbox').select('text_body').execute();
    const tokens = mails.flatMap(
      (mail) => /\/checks\/answer\/([\w-]+)/.exec(mail.text_body)?.[1] ?? [],
    );

    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const started = performance.now();
    const replies = await Promise.all(
      tokens.map((answer) => request(port, 'POST', `/checks/answer/${answer}`)),
    );
    const answerSeconds = (performance.now() - started) / 1000;
    const failed = replies.filter((reply) => reply.status !== 200);
    if (failed.length > 0)
      throw new Error(`${failed.length} answers failed, first ${failed[0]?.status}`);
    const recorded = await ctx.db
      .selectFrom('check_recipients')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('check_id', '=', check.id)
      .where('answered_at', 'is not', null)
      .executeTakeFirstOrThrow();

    const auth = { authorization: `Bearer ${token}` };
    const pageStart = performance.now();
    const page = await request(port, 'GET', `/checks/${check.id}`, auth);
    const resultsPageMs = performance.now() - pageStart;
    if (page.status !== 200) throw new Error(`Results page failed with status ${page.status}`);
    const summaryStart = performance.now();
    await request(port, 'GET', `/api/v1/checks/${check.id}/summary`);
    const summaryMs = performance.now() - summaryStart;

    return {
      recipients: check.recipients,
      answersRecorded: recorded.count,
      answersPerSecond: Math.round(recorded.count / answerSeconds),
      resultsPageMs: Math.round(resultsPageMs),
      summaryMs: Math.round(summaryMs),
    };
  } finally {
    await app.close();
    await worker.stop();
    await ctx.bus.close();
    ctx.mailer.close();
    await ctx.database.close();
    if (databaseUrl === undefined) {
      await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(path + suffix, { force: true })));
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchChecks(), null, 2));
}
