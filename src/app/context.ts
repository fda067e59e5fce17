import type { Kysely } from 'kysely';
import type { Logger } from 'pino';

import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import type { Tables } from '../db/schema.ts';
import type { Clock } from '../shared/clock.ts';

/** Long-lived services shared by every route, job and adapter of one process. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Kysely<Tables>;
  clock: Clock;
  logger: Logger;
}
