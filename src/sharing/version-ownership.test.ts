import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { sql } from 'kysely';

import { testDialects } from '../../test/support/database.ts';
import { stixObjectOwners } from '../db/migrations/2026-12-05-61-stix-object-owners.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';

const ID = 'threat-actor--6dd83cee-b581-4068-9e28-d5776a9a1160';

function actor(modified: string, name: string, id = ID) {
  return {
    type: 'threat-actor',
    spec_version: '2.1',
    id,
    created: '2024-04-01T00:00:00.000Z',
    modified,
    name,
  };
}

function bundle(...objects: object[]) {
  return { type: 'bundle', id: 'bundle--8206e21c-fcc5-4d76-847b-7c42faac3457', objects };
}

for (const dialect of testDialects) {
  describe(`object versions by other sharers on ${dialect}`, () => {
    let t: TestApp;
    let swiss: TestAccount;
    let swissColleague: TestAccount;
    let kenyan: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      swiss = await t.createAccount('poc', { state: 'CH' });
      swissColleague = await t.createAccount('state-editor', { state: 'CH' });
      kenyan = await t.createAccount('poc', { state: 'KE' });
      const first = await share(
        swiss,
        bundle(actor('2024-04-01T00:00:00.000Z', 'Grey Heron')),
        'red',
      );
      assert.equal(first.statusCode, 201);
    });
    after(() => t.close());

    function share(account: TestAccount, body: object, tlp: string) {
      return t.request({
        method: 'POST',
        url: `/api/v1/bundles?tlp=${encodeURIComponent(tlp)}`,
        token: account.token,
        payload: body,
      });
    }

    async function readName(token?: string) {
      const res = await t.request({ method: 'GET', url: `/api/v1/objects/${ID}`, token });
      return res.statusCode === 200 ? res.json<{ name: string }>().name : res.statusCode;
    }

    it('rejects a newer version from another state and stores nothing', async () => {
      const res = await share(
        kenyan,
        bundle(actor('2024-06-01T00:00:00.000Z', 'Renamed')),
        'clear',
      );
      assert.ok([201, 422].includes(res.statusCode));
      assert.match(res.body, /only its creator adds versions/);
      assert.equal(await readName(), 404);
      assert.equal(await readName(kenyan.token), 404);
      assert.equal(await readName(swiss.token), 'Grey Heron');
      const rows = await t.ctx.db
        .selectFrom('stix_objects')
        .select('tlp')
        .where('object_id', '=', ID)
        .execute();
      assert.deepEqual(
        rows.map((r) => r.tlp),
        ['red'],
      );
    });

    it('lets the creator’s state add a version', async () => {
      const res = await share(
        swissColleague,
        bundle(actor('2024-07-01T00:00:00.000Z', 'Grey Heron II')),
        'red',
      );
      assert.equal(res.statusCode, 201);
      assert.equal(res.json<{ stored: number }>().stored, 1);
      assert.equal(await readName(swissColleague.token), 'Grey Heron II');
    });

    /**
     * Waits until `count` sessions of the test database wait for a lock, or until one of the
     * requests has returned its response, which means it never waited.
     */
    async function waitForLockWaiters(count: number, requests: Promise<unknown>[]) {
      const progress = { answered: false };
      for (const request of requests) void request.then(() => (progress.answered = true));
      for (;;) {
        const { rows } = await sql<{ waiting: number }>`select count(*)::int as waiting
          from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`.execute(t.ctx.db);
        if (progress.answered || (rows[0]?.waiting ?? 0) >= count) return;
        await sleep(5);
      }
    }

    it(
      'rejects a version from another state while the creator’s import is open',
      { skip: dialect === 'sqlite' && 'SQLite runs one write transaction at a time' },
      async () => {
        const id = 'threat-actor--3a6e4c1d-8f2b-4e7a-9c5d-0b1e2f3a4d5c';
        // Holding a lock that the creator's import needs keeps its transaction open after it
        // has stored its version, so the other state's import runs while it is uncommitted.
        let release = () => {};
        const released = new Promise<void>((resolve) => (release = resolve));
        let locked = () => {};
        const isLocked = new Promise<void>((resolve) => (locked = resolve));
        const holder = t.ctx.db.transaction().execute(async (trx) => {
          await sql`lock table stix_object_grants in share row exclusive mode`.execute(trx);
          locked();
          await released;
        });
        await isLocked;

        const creator = share(
          swiss,
          bundle(actor('2024-04-01T00:00:00.000Z', 'Swiss', id)),
          'amber',
        );
        await waitForLockWaiters(1, [creator]);
        const other = share(
          kenyan,
          bundle(actor('2024-06-01T00:00:00.000Z', 'Kenyan', id)),
          'green',
        );
        await waitForLockWaiters(2, [creator, other]);
        release();
        await holder;

        const [first, second] = await Promise.all([creator, other]);
        assert.equal(first.statusCode, 201, first.body);
        assert.equal(second.statusCode, 422, second.body);
        assert.match(second.body, /only its creator adds versions/);
        const rows = await t.ctx.db
          .selectFrom('stix_objects')
          .select('sharer_state')
          .where('object_id', '=', id)
          .execute();
        assert.deepEqual(
          rows.map((row) => row.sharer_state),
          ['CH'],
        );
      },
    );

    it('names the earliest sharer the owner in the migration', async () => {
      await t.ctx.db.schema.dropTable('stix_object_owners').execute();

      await stixObjectOwners.up(t.ctx.db);

      const owner = await t.ctx.db
        .selectFrom('stix_object_owners')
        .select('owner')
        .where('object_id', '=', ID)
        .executeTakeFirst();
      assert.equal(owner?.owner, 'state:CH');
      const res = await share(
        kenyan,
        bundle(actor('2024-08-01T00:00:00.000Z', 'Renamed again')),
        'clear',
      );
      assert.match(res.body, /only its creator adds versions/);
    });

    it('accepts an identical copy from another state without changing it', async () => {
      const publicObject = {
        type: 'identity',
        spec_version: '2.1',
        id: 'identity--1621d4d4-b67d-41e3-9670-f01faf20d111',
        created: '2024-01-01T00:00:00.000Z',
        modified: '2024-01-01T00:00:00.000Z',
        name: 'Shared Vendor',
      };
      assert.equal((await share(swiss, bundle(publicObject), 'green')).statusCode, 201);
      const copy = await share(kenyan, bundle(publicObject), 'clear');
      assert.equal(copy.statusCode, 201);
      const anonymous = await t.request({
        method: 'GET',
        url: `/api/v1/objects/${publicObject.id}`,
      });
      assert.equal(anonymous.statusCode, 404);
    });
  });
}
