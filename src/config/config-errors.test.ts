import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';

const root = new URL('../../', import.meta.url);

/** Starts the server with extra environment variables and returns how it ended. */
function start(env: Record<string, string>) {
  const databaseUrl = `/tmp/parley-config-test-${process.pid}.db`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });

  return { ...result, databaseCreated: existsSync(databaseUrl) };
}

describe('configuration errors at start', () => {
  it('prints one line per bad variable and exits 1', () => {
    const result = start({ STALE_AFTER_DAYS: 'abc', TAXII_PAGE_SIZE: '0', LOG_LEVEL: 'loud' });
    assert.equal(result.status, 1);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 3, result.stderr);
    assert.match(lines[0] ?? '', /^Invalid environment variable LOG_LEVEL: must be one of fatal/);
    assert.match(
      lines[1] ?? '',
      /^Invalid environment variable STALE_AFTER_DAYS: must be a number/,
    );
    assert.match(
      lines[2] ?? '',
      /^Invalid environment variable TAXII_PAGE_SIZE: must be at least 1/,
    );
    for (const line of lines) assert.match(line, /set a valid value, or unset it/);
    assert.doesNotMatch(result.stderr, /^\s+at /m);
    assert.equal(result.stdout, '');
    assert.equal(result.databaseCreated, false);
  });

  it('reports a rule over two variables', () => {
    const result = start({ TAXII_PAGE_SIZE: '50', TAXII_MAX_PAGE_SIZE: '10' });
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr.trim(),
      'Invalid environment: TAXII_PAGE_SIZE must not exceed TAXII_MAX_PAGE_SIZE',
    );
  });
});
