import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';

import { createAccount, createToken } from '../../src/accounts/accounts.service.ts';
import type { Role } from '../../src/accounts/principal.ts';
import { buildApp } from '../../src/app/app.ts';
import type { AppContext } from '../../src/app/context.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import type { DialectName } from '../../src/db/database.ts';
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
  close(): Promise<void>;
}

let counter = 0;

/** Starts the app on a fresh database of the given dialect. */
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
  const ctx: AppContext = { config, database, db: database.db, clock, logger };
  const app = await buildApp(ctx);
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
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
