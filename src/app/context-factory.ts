import type { Logger } from 'pino';

import type { Config } from '../config/config.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { createEventBus } from '../events/event-bus.ts';
import { createMailer } from '../mail/mailer.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { AppContext } from './context.ts';

/**
 * Opens and migrates the database named in the config and assembles the shared services. The
 * caller closes the bus, the mailer and the database on shutdown.
 */
export async function createContext(
  config: Config,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<AppContext> {
  const database = openDatabase(config.databaseUrl);
  await migrateToLatest(database);

  const bus = await createEventBus(database, logger);
  const mailer = createMailer({ ...config, db: database.db, clock, logger });

  return { config, database, db: database.db, clock, logger, bus, mailer };
}
