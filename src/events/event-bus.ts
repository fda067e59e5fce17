import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';

import type { Database } from '../db/database.ts';
import type { Tables } from '../db/schema.ts';
import { eventCatalogue, parseLiveEvent, type LiveEvent } from './event-catalogue.ts';

/** Receives every event published on the bus. */
export type LiveEventListener = (event: LiveEvent) => void;

/**
 * Carries stored live events to subscribers (the SSE adapter, later webhooks). Publishers call
 * `publish` after the transaction that stored the event has committed.
 */
export interface EventBus {
  publish(event: LiveEvent): Promise<void>;
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: LiveEventListener): () => void;
  close(): Promise<void>;
}

/** Channel of PostgreSQL NOTIFY messages; each message is one event id. */
export const NOTIFY_CHANNEL = 'parley_events';

/** Creates the bus for the database: LISTEN/NOTIFY on PostgreSQL, in-process on SQLite. */
export async function createEventBus(database: Database, logger: Logger): Promise<EventBus> {
  if (database.dialect === 'postgres' && database.postgresUrl !== null) {
    return createPostgresEventBus(database.db, database.postgresUrl, logger);
  }

  return createInProcessEventBus(logger);
}

/** Calls listeners in this process only; enough for one server process (always on SQLite). */
export function createInProcessEventBus(logger: Logger): EventBus {
  const listeners = new Set<LiveEventListener>();

  return {
    publish(event) {
      eventCatalogue[event.name].parse(event.payload);
      dispatch(listeners, event, logger);
      return Promise.resolve();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      return Promise.resolve();
    },
  };
}

/**
 * Sends each event id with NOTIFY, so every server process on the database receives it. Each
 * listening process reads the row back and passes it to its own subscribers.
 */
export async function createPostgresEventBus(
  db: Kysely<Tables>,
  url: string,
  logger: Logger,
): Promise<EventBus> {
  const listeners = new Set<LiveEventListener>();
  let client: pg.Client | null = null;
  let isClosed = false;

  // Reads in flight; close() waits for them so no query outlives the pool.
  const reading = new Set<Promise<void>>();
  const receive = async (payload: string | undefined) => {
    const row = await db
      .selectFrom('events')
      .selectAll()
      .where('id', '=', Number(payload))
      .executeTakeFirst();
    if (row !== undefined && !isClosed) dispatch(listeners, parseLiveEvent(row), logger);
  };
  const connect = async () => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (isClosed) return;
      const read = receive(message.payload)
        .catch((error: unknown) => {
          logger.error({ err: error, eventId: message.payload }, 'live event read failed');
        })
        .finally(() => reading.delete(read));
      reading.add(read);
    });
    next.on('error', (error) => {
      logger.warn({ err: error }, 'live event listener lost its connection, reconnecting');
      client = null;
      void next.end().catch(() => undefined);
      // NOTE: events notified while reconnecting reach subscribers with the next event, because
      // the SSE adapter reads every row after its cursor.
      setTimeout(() => void reconnect(), 1000).unref();
    });
    await next.connect();
    await next.query(`listen ${NOTIFY_CHANNEL}`);
    client = next;
  };
  const reconnect = async () => {
    if (isClosed || client !== null) return;
    await connect().catch((error: unknown) => {
      logger.error({ err: error }, 'live event listener reconnect failed');
      setTimeout(() => void reconnect(), 5000).unref();
    });
  };

  await connect();

  return {
    async publish(event) {
      eventCatalogue[event.name].parse(event.payload);
      await sql`select pg_notify(${NOTIFY_CHANNEL}, ${String(event.id)})`.execute(db);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      isClosed = true;
      listeners.clear();
      await Promise.all(reading);
      await client?.end();
      client = null;
    },
  };
}

function dispatch(listeners: Set<LiveEventListener>, event: LiveEvent, logger: Logger) {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      logger.error({ err: error, eventId: event.id }, 'live event listener failed');
    }
  }
}
