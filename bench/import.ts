import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import pino from 'pino';

import { createAccount, toPrincipal } from '../src/accounts/accounts.service.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { systemClock } from '../src/shared/clock.ts';
import { importBundle } from '../src/sharing/sharing.service.ts';

/** The ICS ATT&CK bundle in the shared data folder beside the repository. */
const ICS_ATTACK = fileURLToPath(
  new URL('../../shared/data/attack/ics-attack-18.1.json', import.meta.url),
);

/** Result of one import benchmark run. */
export interface ImportBenchmark {
  objects: number;
  seconds: number;
  objectsPerSecond: number;
}

/**
 * Imports the ICS ATT&CK bundle (1,826 objects) into a fresh, migrated SQLite database in /tmp
 * as a secretariat account, and times the `importBundle` call alone (the file is read and parsed
 * before the clock starts).
 */
export async function benchImport(): Promise<ImportBenchmark> {
  const path = `/tmp/parley_bench_${randomBytes(6).toString('hex')}.db`;
  const database = openDatabase(path);
  try {
    await migrateToLatest(database);
    const deps = { db: database.db, clock: systemClock, logger: pino({ level: 'silent' }) };
    const account = await createAccount(deps, {
      email: 'bench-secretariat@parley.test',
      role: 'secretariat',
    });
    const bundle = JSON.parse(await readFile(ICS_ATTACK, 'utf8')) as unknown;
    const options = { tlp: null, states: [], orgs: [], accounts: [] };

    const started = process.hrtime.bigint();
    const result = await importBundle(deps, toPrincipal(account), bundle, options);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.rejected.length > 0) {
      throw new Error(
        `Import rejected ${result.rejected.length} objects: ${result.rejected[0]?.reason ?? ''}`,
      );
    }

    return {
      objects: result.stored,
      seconds: Number(seconds.toFixed(3)),
      objectsPerSecond: Math.round(result.stored / seconds),
    };
  } finally {
    await database.close();
    await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(path + suffix, { force: true })));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchImport());
}
