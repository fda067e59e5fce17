import { sql, type Kysely } from 'kysely';

import type { AppContext } from '../app/context.ts';
import type { DialectName } from '../db/database.ts';
import type { Tables } from '../db/schema.ts';
import { defineJobKind } from '../jobs/job-kind.ts';
import { NOTIFY_CHANNEL } from './event-bus.ts';
import type { Clock } from '../shared/clock.ts';
import {
  eventCatalogue,
  type EventInput,
  type EventName,
  type LiveEvent,
} from './event-catalogue.ts';
import {
  deleteEventsThrough,
  findLastEventId,
  findLastEventIdBefore,
  findPrunedThrough,
} from './events.queries.ts';
import { insertEvent } from './events.queries.ts';
import { z } from 'zod';

/** Events kept for replay to reconnecting clients, at most. */
export const REPLAY_MAX_EVENTS = 10_000;

/** Age after which an event leaves the replay window, in milliseconds. */
export const REPLAY_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * Stores a live event inside the caller's transaction after checking it against the catalogue.
 * The caller publishes the returned event on `ctx.bus` once the transaction has committed.
 */
export async function recordEvent<N extends EventName>(
  trx: Kysely<Tables>,
  dialect: DialectName,
  clock: Clock,
  name: N,
  payload: EventInput<N>,
): Promise<LiveEvent> {
  const data = eventCatalogue[name].parse(payload);
  const createdAt = clock.now().toISOString();
  const id = await insertEvent(trx, dialect, {
    kind: name,
    payload: JSON.stringify(data),
    createdAt,
  });

  return { id, name, payload: data, createdAt } as LiveEvent;
}

/** Publishes stored events; a failure is logged, because the rows stay for replay. */
export async function publishEvents(ctx: AppContext, events: readonly LiveEvent[]) {
  for (const event of events) {
    await ctx.bus.publish(event).catch((error: unknown) => {
      ctx.logger.error({ err: error, eventId: event.id }, 'live event publish failed');
    });
  }
}

/**
 * Records and publishes an `access` event after a change to an account's credentials has
 * committed, so every instance closes the account's open streams that no longer authenticate.
 */
export async function announceAccessChange(ctx: AppContext, accountId: string) {
  const event = await ctx.db
    .transaction()
    .execute((trx) => recordEvent(trx, ctx.database.dialect, ctx.clock, 'access', { accountId }));
  await publishEvents(ctx, [event]);
}

/**
 * Records an `access` event from a process without the server's event bus, such as the CLI. On
 * PostgreSQL it also sends the NOTIFY the servers listen to. On SQLite a server reads the row
 * with its next event and closes the streams before it sends that event.
 */
export async function recordAccessChangeElsewhere(
  db: Kysely<Tables>,
  dialect: DialectName,
  clock: Clock,
  accountId: string,
) {
  const event = await db
    .transaction()
    .execute((trx) => recordEvent(trx, dialect, clock, 'access', { accountId }));
  if (dialect === 'postgres') {
    await sql`select pg_notify(${NOTIFY_CHANNEL}, ${String(event.id)})`.execute(db);
  }
}

/**
 * Deletes events outside the replay window: beyond the newest `maxEvents` or older than
 * `maxAgeMs`. Returns how many rows went and the new replay limit.
 */
export async function pruneEvents(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  limits = { maxEvents: REPLAY_MAX_EVENTS, maxAgeMs: REPLAY_MAX_AGE_MS },
) {
  const lastId = await findLastEventId(ctx.db);
  const cutoff = new Date(ctx.clock.now().getTime() - limits.maxAgeMs).toISOString();
  const throughId = Math.max(
    lastId - limits.maxEvents,
    await findLastEventIdBefore(ctx.db, cutoff),
    await findPrunedThrough(ctx.db),
  );
  const deleted = throughId > 0 ? await deleteEventsThrough(ctx.db, throughId) : 0;

  return { deleted, prunedThrough: throughId };
}

/** Job that keeps the replay window bounded; the worker queues it every hour. */
export const pruneEventsJob = defineJobKind({
  name: 'events-prune',
  payload: z.object({}),
  retry: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 600_000 },
  async run(ctx) {
    const { deleted, prunedThrough } = await pruneEvents(ctx);

    return { deleted, prunedThrough };
  },
});
