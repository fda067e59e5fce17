import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';

import type { Tables } from './schema.ts';

/** The two supported SQL dialects. */
export type DialectName = 'sqlite' | 'postgres';

/** An open database: the Kysely handle plus what callers need to know about it. */
export interface Database {
  db: Kysely<Tables>;
  dialect: DialectName;
  /** Connection string for PostgreSQL (used by LISTEN/NOTIFY), null on SQLite. */
  postgresUrl: string | null;
  close(): Promise<void>;
}

// PostgreSQL returns int8 (bigint, COUNT) as strings; every such value here fits a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Returns true when the URL names a PostgreSQL database. */
export function isPostgresUrl(url: string): boolean {
  return url.startsWith('postgres://') || url.startsWith('postgresql://');
}

/**
 * Opens the database that `url` names: a `postgres://` URL, or else an SQLite file path
 * (optionally prefixed `sqlite:`), or `:memory:`.
 */
export function openDatabase(url: string): Database {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // pg-pool emits 'error' when the server ends an idle connection (a restart, a dropped
    // database); without a listener that error would crash the process. The pool has already
    // discarded that idle client, and the next query opens a new connection.
    pool.on('error', () => undefined);
    const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });

    return { db, dialect: 'postgres', postgresUrl: url, close: () => db.destroy() };
  }

  const path = url.replace(/^sqlite:/, '');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: sqlite }) });

  return { db, dialect: 'sqlite', postgresUrl: null, close: () => db.destroy() };
}
