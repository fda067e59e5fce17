import { text } from 'node:stream/consumers';

import { loadConfig } from '../config/config.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { systemClock } from '../shared/clock.ts';
import { runCli } from './cli.ts';

const code = await runCli(
  process.argv.slice(2),
  async () => {
    const database = openDatabase(loadConfig().databaseUrl);
    await migrateToLatest(database);

    return { db: database.db, database, clock: systemClock, close: () => database.close() };
  },
  {
    stdout: (output) => process.stdout.write(output),
    stderr: (output) => process.stderr.write(output),
    readStdin: () => text(process.stdin),
  },
);
process.exitCode = code;
