import type { Kysely } from 'kysely';

import type { AppContext } from '../app/context.ts';
import type { Tables } from '../db/schema.ts';
import type { EventInput, LiveEvent } from '../events/event-catalogue.ts';
import { recordEvent } from '../events/events.service.ts';

/** A participant named by an exercise timeline entry. */
export type TimelineParticipant = NonNullable<EventInput<'exercise'>['who']>;

/**
 * Stores an `exercise` event inside the caller's transaction, the one that makes the change the
 * entry reports. The caller publishes the returned event once the transaction has committed.
 */
export function recordExerciseEntry(
  trx: Kysely<Tables>,
  ctx: Pick<AppContext, 'database' | 'clock'>,
  entry: EventInput<'exercise'>,
): Promise<LiveEvent> {
  return recordEvent(trx, ctx.database.dialect, ctx.clock, 'exercise', entry);
}

/** Builds the participant of a recipient row of an alert, check or request. */
export function participantOf(recipient: {
  state_code: string | null;
  level: string | null;
  organisation_id?: string | null;
  email: string;
}): TimelineParticipant {
  const organisationId = recipient.organisation_id ?? null;

  // Partner rows store an empty state, and check rows the level `partner`.
  return {
    state: recipient.state_code === '' ? null : recipient.state_code,
    level: organisationId === null ? recipient.level : null,
    organisationId,
    email: recipient.email,
  };
}
