import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';

import type { Kysely, Transaction } from 'kysely';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import type { Tables } from '../db/schema.ts';
import { DomainError } from '../shared/errors.ts';
import { parseIfMatch } from '../shared/if-match.ts';
import { VersionMoved, writeAtReadVersion } from './poc-versions.ts';
import type { PocRow } from './pocs.queries.ts';

interface Problem {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

interface Poc {
  id: string;
  name: string;
  designation: string;
  version: number;
  etag: string;
}

interface HistoryEntry {
  action: string;
  changes: Record<string, { old: unknown; new: unknown }>;
}

/**
 * Makes the next `count` transactions on `db` wait until all of them have been started, so that
 * concurrent requests have all read the entry before any of them writes it. Without this, the
 * requests of `app.inject` on SQLite run one after the other and never race. Later transactions
 * run at once. Returns a function that removes the hold.
 */
function holdTransactions(db: Kysely<Tables>, count: number): () => void {
  const original = db.transaction.bind(db);
  let started = 0;
  let releaseAll: () => void = () => undefined;
  const allStarted = new Promise<void>((resolve) => {
    releaseAll = resolve;
  });
  const transaction = mock.method(db, 'transaction', () => {
    const builder = original();
    if (started === count) return builder;
    started += 1;
    if (started === count) releaseAll();
    const execute = builder.execute.bind(builder);

    return Object.assign(builder, {
      execute: async <T>(callback: (trx: Transaction<Tables>) => Promise<T>) => {
        await allStarted;
        return execute(callback);
      },
    });
  });

  return () => {
    transaction.mock.restore();
  };
}

// A test that waits on holdTransactions for a request that never starts its transaction fails
// after this many milliseconds instead of hanging the run.
const RACE_TEST_TIMEOUT_MS = 60_000;

for (const dialect of testDialects) {
  describe(`PoC versions and If-Match on ${dialect}`, () => {
    let t: TestApp;
    let frEditor: TestAccount;
    let deEditor: TestAccount;
    let secretariat: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      frEditor = await t.createAccount('state-editor', { state: 'FR' });
      deEditor = await t.createAccount('state-editor', { state: 'DE' });
      secretariat = await t.createAccount('secretariat');
    });
    after(() => t.close());

    let serial = 0;
    // Each entry gets its own name and address, so the duplicate checks never fire between tests.
    async function createPoc(): Promise<Poc> {
      serial += 1;
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        token: frEditor.token,
        payload: {
          level: 'technical',
          name: `Lucie Veille ${serial}`,
          designation: 'Duty officer',
          organisation: 'CERT-FR',
          email: `veille-${serial}@cert.fr.test`,
        },
      });
      assert.equal(res.statusCode, 201, res.body);

      return res.json<Poc>();
    }

    function readPoc(id: string, token = frEditor.token) {
      return t.request({ method: 'GET', url: `/api/v1/pocs/${id}`, token });
    }

    function patchPoc(id: string, payload: Record<string, unknown>, ifMatch?: string) {
      const headers = ifMatch === undefined ? {} : { 'if-match': ifMatch };
      return t.request({
        method: 'PATCH',
        url: `/api/v1/pocs/${id}`,
        token: frEditor.token,
        headers,
        payload,
      });
    }

    async function readRow(id: string) {
      return t.ctx.db.selectFrom('pocs').selectAll().where('id', '=', id).executeTakeFirst();
    }

    async function readHistory(id: string): Promise<HistoryEntry[]> {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/pocs/${id}/history`,
        token: frEditor.token,
      });
      assert.equal(res.statusCode, 200, res.body);

      return res.json<{ history: HistoryEntry[] }>().history;
    }

    it('sends an ETag that changes with each edit', async () => {
      const created = await createPoc();
      assert.equal(created.version, 1);
      assert.equal(created.etag, '"1"');

      const first = await readPoc(created.id);
      assert.equal(first.statusCode, 200);
      assert.equal(first.headers.etag, '"1"');
      assert.equal(first.json<Poc>().etag, first.headers.etag);

      const patch = await patchPoc(created.id, { designation: 'Head of watch' });
      assert.equal(patch.statusCode, 200);
      assert.equal(patch.headers.etag, '"2"');
      assert.equal(patch.json<Poc>().version, 2);

      const second = await readPoc(created.id);
      assert.equal(second.headers.etag, '"2"');
      assert.notEqual(second.headers.etag, first.headers.etag);

      const list = await t.request({ method: 'GET', url: '/api/v1/pocs', token: frEditor.token });
      const listed = list.json<{ pocs: Poc[] }>().pocs.find((poc) => poc.id === created.id);
      assert.equal(listed?.etag, '"2"');
    });

    const noOpChanges: [string, (poc: Poc) => Record<string, unknown>][] = [
      ['an empty PATCH', () => ({})],
      ['a PATCH of the same values', (poc) => ({ name: poc.name, designation: poc.designation })],
    ];
    for (const [label, changesOf] of noOpChanges) {
      it(`keeps the version on ${label}`, async () => {
        const created = await createPoc();
        const body = changesOf(created);
        const rowBefore = await readRow(created.id);
        const historyBefore = await readHistory(created.id);

        const res = await patchPoc(created.id, body, created.etag);
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.headers.etag, '"1"');
        assert.equal(res.json<Poc>().version, 1);
        assert.deepEqual(await readRow(created.id), rowBefore);
        assert.deepEqual(await readHistory(created.id), historyBefore);

        const edit = await patchPoc(created.id, { designation: 'Watch officer' }, created.etag);
        assert.equal(edit.statusCode, 200, edit.body);
        assert.equal(edit.headers.etag, '"2"');
      });
    }

    it('checks If-Match before an empty PATCH', async () => {
      const created = await createPoc();
      const res = await patchPoc(created.id, {}, '"9"');
      assert.equal(res.statusCode, 412);
      assert.equal(res.json<Problem>().code, 'precondition_failed');
    });

    it('counts a confirmation as a new version', async () => {
      const created = await createPoc();
      const res = await t.request({
        method: 'POST',
        url: `/api/v1/pocs/${created.id}/confirm`,
        token: frEditor.token,
        headers: { 'if-match': created.etag },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<Poc>().etag, '"2"');
      assert.equal((await readPoc(created.id)).headers.etag, '"2"');
    });

    it('applies an edit whose If-Match is current', async () => {
      const created = await createPoc();
      const res = await patchPoc(created.id, { designation: 'Analyst' }, created.etag);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<Poc>().designation, 'Analyst');
      assert.equal((await readRow(created.id))?.designation, 'Analyst');
    });

    it('accepts any tag in an If-Match list', async () => {
      const created = await createPoc();
      const res = await patchPoc(created.id, { designation: 'Lead' }, `"7", ${created.etag}`);
      assert.equal(res.statusCode, 200, res.body);
    });

    it('rejects a stale If-Match with 412 and writes nothing', async () => {
      const created = await createPoc();
      const edited = await patchPoc(created.id, { designation: 'Watch lead' }, created.etag);
      assert.equal(edited.statusCode, 200);
      const rowBefore = await readRow(created.id);
      const historyBefore = await readHistory(created.id);

      const stale = await patchPoc(created.id, { designation: 'Overwritten' }, created.etag);
      assert.equal(stale.statusCode, 412);
      assert.match(String(stale.headers['content-type']), /^application\/problem\+json/);
      const problem = stale.json<Problem>();
      assert.equal(problem.code, 'precondition_failed');
      assert.match(problem.detail, /changed since it was read/);
      assert.match(problem.detail, /reload/);
      assert.deepEqual(await readRow(created.id), rowBefore);
      assert.deepEqual(await readHistory(created.id), historyBefore);
    });

    it('rejects a stale If-Match on delete and confirm', async () => {
      const created = await createPoc();
      const edited = await patchPoc(created.id, { designation: 'Liaison' }, created.etag);
      assert.equal(edited.statusCode, 200);
      const rowBefore = await readRow(created.id);
      const historyBefore = await readHistory(created.id);
      const headers = { 'if-match': created.etag };

      const del = await t.request({
        method: 'DELETE',
        url: `/api/v1/pocs/${created.id}`,
        token: frEditor.token,
        headers,
      });
      assert.equal(del.statusCode, 412);
      assert.equal(del.json<Problem>().code, 'precondition_failed');
      const confirm = await t.request({
        method: 'POST',
        url: `/api/v1/pocs/${created.id}/confirm`,
        token: frEditor.token,
        headers,
      });
      assert.equal(confirm.statusCode, 412);
      assert.deepEqual(await readRow(created.id), rowBefore);
      assert.deepEqual(await readHistory(created.id), historyBefore);
    });

    it('deletes with a current If-Match', async () => {
      const created = await createPoc();
      const res = await t.request({
        method: 'DELETE',
        url: `/api/v1/pocs/${created.id}`,
        token: frEditor.token,
        headers: { 'if-match': created.etag },
      });
      assert.equal(res.statusCode, 204);
      assert.equal(await readRow(created.id), undefined);
      const actions = (await readHistory(created.id)).map((entry) => entry.action);
      assert.deepEqual(actions, ['create', 'delete']);
    });

    it('treats If-Match: * as any version', async () => {
      const created = await createPoc();
      const edited = await patchPoc(created.id, { designation: 'Coordinator' });
      assert.equal(edited.statusCode, 200);

      const res = await patchPoc(created.id, { designation: 'Senior coordinator' }, '*');
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers.etag, '"3"');
    });

    it('keeps accepting edits without If-Match', async () => {
      const created = await createPoc();
      const res = await patchPoc(created.id, { designation: 'Night shift' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<Poc>().version, 2);
    });

    it('never matches a weak tag', async () => {
      const created = await createPoc();
      const res = await patchPoc(created.id, { designation: 'Weak' }, `W/${created.etag}`);
      assert.equal(res.statusCode, 412);
      const problem = res.json<Problem>();
      assert.equal(problem.code, 'precondition_failed');
      assert.match(problem.detail, /weak tag/);
      assert.equal((await readRow(created.id))?.designation, 'Duty officer');
    });

    for (const value of ['1', '"1" extra', '*, "1"', '"1', 'W/1', '', ' , ']) {
      it(`rejects the malformed If-Match ${JSON.stringify(value)} with 400`, async () => {
        const created = await createPoc();
        const res = await patchPoc(created.id, { designation: 'Malformed' }, value);
        assert.equal(res.statusCode, 400);
        const problem = res.json<Problem>();
        assert.equal(problem.code, 'invalid_request');
        assert.equal(problem.errors?.[0]?.field, 'If-Match');
        assert.match(problem.errors[0].message, /entity tags in double quotes/);
        assert.equal((await readRow(created.id))?.version, 1);
      });
    }

    it(
      'lets one of two edits with the same If-Match win',
      { timeout: RACE_TEST_TIMEOUT_MS },
      async () => {
        const created = await createPoc();
        let etag = created.etag;
        for (let round = 1; round <= 5; round += 1) {
          const designations = [`Round ${round} left`, `Round ${round} right`];
          // Both requests read the entry at the same version and pass the early If-Match check, so
          // only the version condition of the UPDATE can stop the second one.
          const release = holdTransactions(t.ctx.db, 2);
          const replies = await Promise.all(
            designations.map((designation) => patchPoc(created.id, { designation }, etag)),
          ).finally(release);
          const statuses = replies.map((res) => res.statusCode).sort();
          assert.deepEqual(statuses, [200, 412], `round ${round}`);

          const winner = replies.find((res) => res.statusCode === 200);
          assert.ok(winner);
          const stored = await readRow(created.id);
          assert.equal(stored?.designation, winner.json<Poc>().designation);
          assert.equal(stored.version, round + 1);
          etag = winner.json<Poc>().etag;
        }
        const updates = (await readHistory(created.id)).filter((e) => e.action === 'update');
        assert.equal(updates.length, 5);
      },
    );

    it(
      'records the replaced values of concurrent edits without If-Match',
      { timeout: RACE_TEST_TIMEOUT_MS },
      async () => {
        const created = await createPoc();
        const designations = ['Unconditional one', 'Unconditional two', 'Unconditional three'];
        // All three read version 1; the two that lose read the entry again and write after it.
        const release = holdTransactions(t.ctx.db, designations.length);
        const replies = await Promise.all(
          designations.map((designation) => patchPoc(created.id, { designation })),
        ).finally(release);
        assert.deepEqual(
          replies.map((res) => res.statusCode),
          [200, 200, 200],
        );

        const updates = (await readHistory(created.id)).filter((e) => e.action === 'update');
        assert.equal(updates.length, 3);
        // Each edit's old value is the value the previous edit stored, so none was lost.
        let previous: unknown = 'Duty officer';
        for (const update of updates) {
          assert.equal(update.changes.designation?.old, previous);
          previous = update.changes.designation?.new;
        }
        assert.equal((await readRow(created.id))?.designation, previous);
        assert.equal((await readRow(created.id))?.version, 4);
      },
    );

    it('shows an entry to its state and the secretariat only', async () => {
      const created = await createPoc();
      const foreign = await readPoc(created.id, deEditor.token);
      assert.equal(foreign.statusCode, 404);
      assert.equal(foreign.headers.etag, undefined);
      const unknown = await readPoc('00000000-0000-4000-8000-000000000000', deEditor.token);
      assert.equal(unknown.statusCode, 404);

      const bySecretariat = await readPoc(created.id, secretariat.token);
      assert.equal(bySecretariat.statusCode, 200);
      assert.equal(bySecretariat.headers.etag, '"1"');

      const poc = await t.createAccount('poc', { state: 'FR' });
      assert.equal((await readPoc(created.id, poc.token)).statusCode, 403);
      const denied = await t.ctx.db
        .selectFrom('audit_log')
        .select('action')
        .where('target', '=', `poc:${created.id}`)
        .where('outcome', '=', 'denied')
        .execute();
      assert.deepEqual(
        denied.map((entry) => entry.action),
        ['poc.read'],
      );
    });

    it('counts a change request as a new version', async () => {
      const created = await createPoc();
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/states/FR/change-requests',
        token: secretariat.token,
        payload: {
          action: 'update',
          request: 'Note verbale 2026/117',
          pocId: created.id,
          changes: { designation: 'Requested title' },
        },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<Poc>().etag, '"2"');

      const stale = await patchPoc(created.id, { designation: 'Editor title' }, created.etag);
      assert.equal(stale.statusCode, 412);
    });
  });
}

describe('writes at the read version', () => {
  const row = { id: 'poc-1', version: 1 } as PocRow;

  function errorCode(error: unknown): string {
    assert.ok(error instanceof DomainError);
    return error.code;
  }

  it('retries without If-Match, then fails', async () => {
    let writes = 0;
    let rereads = 0;
    const reread = () => {
      rereads += 1;
      return Promise.resolve({ ...row, version: row.version + rereads });
    };
    const write = () => {
      writes += 1;
      return Promise.reject(new VersionMoved());
    };

    await assert.rejects(writeAtReadVersion(row, null, reread, write), (error) => {
      assert.equal(errorCode(error), 'conflict');
      return true;
    });
    assert.equal(writes, 3);
    assert.equal(rereads, 2);
  });

  it('returns the write that succeeds on retry', async () => {
    const versions: number[] = [];
    const reread = () => Promise.resolve({ ...row, version: 2 });
    const write = (current: PocRow) => {
      versions.push(current.version);
      return current.version === 1 ? Promise.reject(new VersionMoved()) : Promise.resolve('saved');
    };

    const result = await writeAtReadVersion(row, parseIfMatch('*'), reread, write);
    assert.equal(result, 'saved');
    assert.deepEqual(versions, [1, 2]);
  });

  it('fails at once with If-Match tags', async () => {
    let writes = 0;
    let rereads = 0;
    const reread = () => {
      rereads += 1;
      return Promise.resolve(row);
    };
    const write = () => {
      writes += 1;
      return Promise.reject(new VersionMoved());
    };

    await assert.rejects(writeAtReadVersion(row, parseIfMatch('"1"'), reread, write), (error) => {
      assert.equal(errorCode(error), 'precondition_failed');
      return true;
    });
    assert.equal(writes, 1);
    assert.equal(rereads, 0);
  });

  it('passes other errors through', async () => {
    const failure = new Error('disk full');
    const write = () => Promise.reject(failure);

    await assert.rejects(
      writeAtReadVersion(row, null, () => Promise.resolve(row), write),
      (error) => error === failure,
    );
  });
});
