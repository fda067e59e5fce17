import type { Kysely } from 'kysely';
import type { Logger } from 'pino';

import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import type { Tables } from '../db/schema.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Clock } from '../shared/clock.ts';

/** Long-lived services shared by every route, job and adapter of one process. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Kysely<Tables>;
  clock: Clock;
  logger: Logger;
  /** Carries live events to the SSE adapter, across processes on PostgreSQL. */
  bus: EventBus;
  /** Sends mail over SMTP, or into `mail_outbox` when no SMTP server is configured. */
  mailer: Mailer;
}
