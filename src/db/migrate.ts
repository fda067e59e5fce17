import { Migrator, type Migration, type MigrationProvider } from 'kysely';

import type { Database } from './database.ts';
import { initialSchema } from './migrations/2026-12-04-initial-schema.ts';
import { pocDetails } from './migrations/2026-12-04-01-poc-details.ts';
import { accountInvitations } from './migrations/2026-12-04-10-account-invitations.ts';
import { communicationChecks } from './migrations/2026-12-04-30-communication-checks.ts';
import { exercises } from './migrations/2026-12-04-31-exercises.ts';
import { guidanceLibrary } from './migrations/2026-12-04-32-guidance-library.ts';
import { alertChannels } from './migrations/2026-12-04-20-alert-channels.ts';
import { stateRequests } from './migrations/2026-12-04-21-requests.ts';
import { taxiiStatuses } from './migrations/2026-12-04-40-taxii-statuses.ts';
import { stixSeverity } from './migrations/2026-12-04-41-stix-severity.ts';
import { moderation } from './migrations/2026-12-04-42-moderation.ts';
import { sharingCommunities } from './migrations/2026-12-04-50-sharing-communities.ts';
import { exercisePartners } from './migrations/2026-12-04-60-exercise-partners.ts';
import { exerciseBundles } from './migrations/2026-12-04-61-exercise-bundles.ts';
import { recipientResponseDue } from './migrations/2026-12-04-70-recipient-response-due.ts';
import { alertExercise } from './migrations/2026-12-05-10-alert-exercise.ts';
import { refoldSearchKeys } from './migrations/2026-12-05-20-refold-search-keys.ts';
import { accountLocale } from './migrations/2026-12-05-30-account-locale.ts';
import { deliveryContentWithheld } from './migrations/2026-12-05-47-delivery-content-withheld.ts';
import { pocVersion } from './migrations/2026-12-05-50-poc-version.ts';
import { moderationStates } from './migrations/2026-12-05-51-moderation-states.ts';
import { lowerCaseStixIds } from './migrations/2026-12-05-60-lower-case-stix-ids.ts';
import { stixObjectOwners } from './migrations/2026-12-05-61-stix-object-owners.ts';

/**
 * Every migration, keyed by a name that sorts in the order it must run: Kysely runs them by
 * name, so each key is the date and a two-digit sequence number within that date.
 */
function listMigrations(database: Database): Record<string, Migration> {
  return {
    '2026-12-04-00-initial-schema': initialSchema(database.dialect),
    '2026-12-04-01-poc-details': pocDetails,
    '2026-12-04-10-account-invitations': accountInvitations,
    '2026-12-04-30-communication-checks': communicationChecks,
    '2026-12-04-31-exercises': exercises,
    '2026-12-04-32-guidance-library': guidanceLibrary,
    '2026-12-04-20-alert-channels': alertChannels,
    '2026-12-04-21-requests': stateRequests(database.dialect),
    '2026-12-04-40-taxii-statuses': taxiiStatuses,
    '2026-12-04-41-stix-severity': stixSeverity,
    '2026-12-04-42-moderation': moderation,
    '2026-12-04-50-sharing-communities': sharingCommunities,
    '2026-12-04-60-exercise-partners': exercisePartners,
    '2026-12-04-61-exercise-bundles': exerciseBundles,
    '2026-12-04-70-recipient-response-due': recipientResponseDue,
    '2026-12-05-10-alert-exercise': alertExercise,
    '2026-12-05-20-refold-search-keys': refoldSearchKeys,
    '2026-12-05-30-account-locale': accountLocale,
    '2026-12-05-47-delivery-content-withheld': deliveryContentWithheld,
    '2026-12-05-50-poc-version': pocVersion,
    '2026-12-05-51-moderation-states': moderationStates,
    '2026-12-05-60-lower-case-stix-ids': lowerCaseStixIds,
    '2026-12-05-61-stix-object-owners': stixObjectOwners,
  };
}

/** Applies all pending migrations; throws with the failing migration's name on error. */
export async function migrateToLatest(database: Database): Promise<void> {
  const provider: MigrationProvider = {
    getMigrations: () => Promise.resolve(listMigrations(database)),
  };
  const migrator = new Migrator({ db: database.db, provider });
  const { error, results } = await migrator.migrateToLatest();

  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined) {
    const name = failed?.migrationName ?? 'unknown';
    throw new Error(
      `Migration ${name} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      { cause: error },
    );
  }
}
