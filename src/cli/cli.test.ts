import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { authenticateToken } from '../../src/accounts/accounts.service.ts';
import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';
import { runCli, type CliIo } from './cli.ts';

function captureIo(stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readStdin: () => Promise.resolve(stdin),
  };

  return { io, out: () => out.join(''), err: () => err.join('') };
}

for (const dialect of testDialects) {
  describe(`parley CLI on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(dialect);
    });
    after(() => t.close());

    const run = (argv: string[], io: CliIo) =>
      runCli(argv, () => Promise.resolve({ ...t.ctx, close: () => Promise.resolve() }), io);

    it('creates a state editor whose password signs in', async () => {
      const capture = captureIo('a-long-enough-password\n');
      const argv = ['user', 'create', '--email', 'editor@fr.test', '--role', 'state-editor'];
      const code = await run([...argv, '--state', 'fr', '--password-stdin'], capture.io);
      assert.equal(code, 0, capture.err());
      assert.match(capture.out(), /Created state-editor account editor@fr\.test/);

      const account = await t.ctx.db
        .selectFrom('accounts')
        .selectAll()
        .where('email_key', '=', 'editor@fr.test')
        .executeTakeFirstOrThrow();
      assert.equal(account.state_code, 'FR');
      assert.match(account.password_hash ?? '', /^\$argon2id\$/);
    });

    it('prints only a working token, then revokes it', async () => {
      const capture = captureIo();
      assert.equal(await run(['token', 'create', '--email', 'editor@fr.test'], capture.io), 0);
      const token = capture.out().trim();
      assert.match(token, /^prl_[A-Za-z0-9_-]{43}$/);
      assert.equal((await authenticateToken(t.ctx, token))?.email, 'editor@fr.test');

      const revoke = captureIo();
      assert.equal(await run(['token', 'revoke', '--token', token], revoke.io), 0);
      assert.equal(await authenticateToken(t.ctx, token), null);
      const again = captureIo();
      assert.equal(await run(['token', 'revoke', '--token', token], again.io), 2);
      assert.match(again.err(), /No active token/);
    });

    it('joins partners to an organisation named in another case', async () => {
      for (const [email, org] of [
        ['one@acme.test', 'Acme Research'],
        ['two@acme.test', 'acme  RESEARCH'],
      ] as const) {
        const capture = captureIo();
        const argv = ['user', 'create', '--email', email, '--role', 'partner', '--org', org];
        assert.equal(await run(argv, capture.io), 0, capture.err());
      }

      const organisations = await t.ctx.db
        .selectFrom('organisations')
        .select('name')
        .where('name', 'in', ['Acme Research', 'acme  RESEARCH'])
        .execute();
      assert.deepEqual(
        organisations.map((row) => row.name),
        ['Acme Research'],
      );
    });

    it('rejects wrong input with exit code 2 and a reason', async () => {
      const cases: [string[], RegExp][] = [
        [['user', 'create', '--email', 'p@x.test', '--role', 'poc'], /state: is required/],
        [['user', 'create', '--email', 'p@x.test', '--role', 'king'], /role/],
        [['user', 'create', '--role', 'poc'], /--email is required/],
        [['user', 'create', '--email', 'p@x.test', '--role', 'poc', '--state', 'QQ'], /QQ/],
        [['user', 'create', '--email', 'p@x.test', '--role', 'poc', '--bogus'], /bogus/],
        [['token', 'create', '--email', 'nobody@x.test'], /Account not found/],
        [['frobnicate'], /unknown command/],
      ];
      for (const [argv, message] of cases) {
        const capture = captureIo();
        assert.equal(await run(argv, capture.io), 2, argv.join(' '));
        assert.match(capture.err(), message, argv.join(' '));
      }
    });

    it('rejects hidden characters in organisation and label', async () => {
      const org = captureIo();
      const argv = ['user', 'create', '--email', 'hidden@org.test', '--role', 'partner'];
      assert.equal(await run([...argv, '--org', 'Acme\u{E0001} Labs'], org.io), 2);
      assert.match(org.err(), /org: must not contain U\+E0001/);
      const account = await t.ctx.db
        .selectFrom('accounts')
        .select('id')
        .where('email_key', '=', 'hidden@org.test')
        .executeTakeFirst();
      assert.equal(account, undefined);

      const label = captureIo();
      const tokenArgv = ['token', 'create', '--email', 'editor@fr.test'];
      assert.equal(await run([...tokenArgv, '--label', 'ci\u001b[31m'], label.io), 2);
      assert.match(label.err(), /label: must be a single line/);
      const hidden = captureIo();
      assert.equal(await run([...tokenArgv, '--label', 'ci\u00AD'], hidden.io), 2);
      assert.match(hidden.err(), /label: must not contain U\+00AD/);
      assert.equal(hidden.out(), '', 'no token is printed');
    });

    it('rejects an address another state lists', async () => {
      await insertPoc(t.ctx, { state: 'KE', email: 'desk@cert.ke.example' });
      const cases: [string[], RegExp][] = [
        [['--role', 'secretariat'], /email: is the address of a state's PoC/],
        [['--role', 'partner', '--org', 'Listed Labs'], /email: is the address of a state's PoC/],
        [['--role', 'poc', '--state', 'FR'], /email: is the address of another state's PoC/],
      ];
      for (const [options, message] of cases) {
        const capture = captureIo();
        const argv = ['user', 'create', '--email', 'DESK@cert.ke.example', ...options];
        assert.equal(await run(argv, capture.io), 2, options.join(' '));
        assert.match(capture.err(), message, options.join(' '));
      }
      const accounts = await t.ctx.db
        .selectFrom('accounts')
        .select('id')
        .where('email_key', '=', 'desk@cert.ke.example')
        .execute();
      assert.equal(accounts.length, 0);

      const own = captureIo();
      const argv = ['user', 'create', '--email', 'desk@cert.ke.example', '--role', 'poc'];
      assert.equal(await run([...argv, '--state', 'KE'], own.io), 0, own.err());
    });

    it('says when an account has no password', async () => {
      const capture = captureIo();
      const argv = ['user', 'create', '--email', 'nopass@x.test', '--role', 'secretariat'];
      assert.equal(await run(argv, capture.io), 0);
      assert.match(capture.out(), /No password was set/);
    });

    it('prints the command list for a group without a command', async () => {
      for (const argv of [['token', '--help'], ['user']]) {
        const capture = captureIo();
        assert.equal(await run(argv, capture.io), 0, argv.join(' '));
        assert.match(capture.out(), /token create/);
      }
    });

    it('rejects a short password', async () => {
      const capture = captureIo('short\n');
      const argv = [
        'user',
        'create',
        '--email',
        's@x.test',
        '--role',
        'secretariat',
        '--password-stdin',
      ];
      assert.equal(await run(argv, capture.io), 2);
      assert.match(capture.err(), /at least 12 characters/);
    });
  });
}

describe('parley CLI as a process', () => {
  const databaseUrl = `/tmp/parley-cli-${process.pid}.db`;
  after(() => rm(databaseUrl, { force: true }));

  it('prints help for each command', async () => {
    const exec = promisify(execFile);
    const env = { ...process.env, DATABASE_URL: databaseUrl };
    const { stdout } = await exec('node', ['bin/parley.js', 'user', 'create', '--help'], { env });
    assert.match(stdout, /--password-stdin/);
    const token = await exec('node', ['bin/parley.js', 'token', 'revoke', '--help'], { env });
    assert.match(token.stdout, /--id ID/);
  });
});
