import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';

import { createAccount, createToken } from '../../src/accounts/accounts.service.ts';
import type { Role } from '../../src/accounts/principal.ts';
import { buildApp } from '../../src/app/app.ts';
import type { AppContext } from '../../src/app/context.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import type { DialectName } from '../../src/db/database.ts';
import { createEventBus } from '../../src/events/event-bus.ts';
import { createJobWorker } from '../../src/jobs/job-registry.ts';
import type { JobWorker, JobWorkerOptions } from '../../src/jobs/worker.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  constructor(private current = new Date('2026-12-01T09:00:00.000Z')) {}

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** An account made for a test, with a bearer token. */
export interface TestAccount {
  id: string;
  email: string;
  token: string;
  password: string;
}

/** The real HTTP app on a fresh database, with helpers to make accounts and send requests. */
export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  database: TestDatabase;
  clock: TestClock;
  createAccount(
    role: Role,
    options?: { state?: string; org?: string; email?: string },
  ): Promise<TestAccount>;
  /** Sends a request through the app; `token` becomes a bearer Authorization header. */
  request(options: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  /** Creates a job worker for every job kind; `close()` stops it. Call `start()` or `runUntilIdle()`. */
  createWorker(options?: JobWorkerOptions): JobWorker;
  close(): Promise<void>;
}

let counter = 0;

/**
 * Starts the app on a fresh database of the given dialect. Pass `smtpUrl` in `configOverrides` to
 * send mail to a test SMTP server; without it mail goes to `mail_outbox`.
 */
export async function startTestApp(
  dialect: DialectName,
  configOverrides: Partial<Config> = {},
): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const clock = new TestClock();
  const config: Config = {
    ...loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' }),
    publicUrl: 'http://parley.test',
    ...configOverrides,
  };
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const bus = await createEventBus(database, logger);
  const mailer = createMailer({ ...config, db: database.db, clock, logger });
  const ctx: AppContext = { config, database, db: database.db, clock, logger, bus, mailer };
  const app = await buildApp(ctx);
  const workers: JobWorker[] = [];
  await app.ready();

  return {
    app,
    ctx,
    database,
    clock,
    async createAccount(role, options = {}) {
      counter += 1;
      const email = options.email ?? `${role}-${counter}@accounts.test`;
      const password = `password-${counter}-long-enough`;
      const account = await createAccount(ctx, { email, role, password, ...options });
      const { token } = await createToken(ctx, email, 'test');

      return { id: account.id, email, token, password };
    },
    request(options) {
      const { token, ...rest } = options;
      const headers = { ...(rest.headers ?? {}) };
      if (token !== undefined) headers.authorization = `Bearer ${token}`;

      return app.inject({ ...rest, headers });
    },
    createWorker(options = {}) {
      const worker = createJobWorker(ctx, { pollIntervalMs: 20, ...options });
      workers.push(worker);

      return worker;
    },
    async close() {
      await app.close();
      for (const worker of workers) await worker.stop();
      await bus.close();
      mailer.close();
      await database.drop();
    },
  };
}
