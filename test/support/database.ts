import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';

import pg from 'pg';

import { openDatabase, type Database, type DialectName } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

/** Dialects the tests run on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const testDialects: DialectName[] =
  process.env.TEST_DATABASE_URL === undefined || process.env.TEST_DATABASE_URL === ''
    ? ['sqlite']
    : ['sqlite', 'postgres'];

/** A migrated, empty database that belongs to one test file and is dropped afterwards. */
export interface TestDatabase extends Database {
  url: string;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (url === undefined || url === '') throw new Error('TEST_DATABASE_URL is not set');

  return url;
}

/** Opens a fresh PostgreSQL database (created for this call) or SQLite file, and migrates it. */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  const name = `parley_test_${randomBytes(6).toString('hex')}`;

  if (dialect === 'sqlite') {
    const url = `/tmp/${name}.db`;
    const database = openDatabase(url);
    await migrateToLatest(database);

    return {
      ...database,
      url,
      async drop() {
        await database.close();
        await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(url + suffix, { force: true })));
      },
    };
  }

  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();

  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const database = openDatabase(url.toString());
  await migrateToLatest(database);

  return {
    ...database,
    url: url.toString(),
    async drop() {
      await database.close();
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
