import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import * as openpgp from 'openpgp';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { parseDirectoryCsv } from './directory.csv.ts';
import type { DirectoryState } from './directory.service.ts';
import type { StateHealth } from './health.service.ts';
import type { PocView } from './pocs.schema.ts';
import { parseVcards } from './vcard.ts';

interface Problem {
  errors?: { field: string; message: string }[];
}

interface Saved extends PocView {
  warnings: { field: string; code: string; message: string }[];
}

const DAY = 24 * 60 * 60 * 1000;

let serial = 0;
function pocBody(overrides: Record<string, unknown> = {}) {
  serial += 1;

  return {
    level: 'technical',
    name: `Key Holder ${serial}`,
    designation: 'Incident handler',
    organisation: 'National CSIRT',
    email: `keys-${serial}@csirt.example`,
    ...overrides,
  };
}

interface KeyOptions {
  createdAt: Date;
  expiresInSeconds?: number;
  subkeys?: object[];
}

async function makeKey({ createdAt, expiresInSeconds = 0, subkeys }: KeyOptions) {
  return openpgp.generateKey({
    userIDs: [{ email: 'duty@csirt.example' }],
    type: 'ecc',
    curve: 'curve25519Legacy',
    keyExpirationTime: expiresInSeconds,
    date: createdAt,
    format: 'armored',
    ...(subkeys === undefined ? {} : { subkeys }),
  });
}

/** Returns one armor block that contains two public keys. */
async function twoKeysInOneBlock(createdAt: Date) {
  const keys = await Promise.all([makeKey({ createdAt }), makeKey({ createdAt })]);
  const parsed = await Promise.all(keys.map((k) => openpgp.readKey({ armoredKey: k.publicKey })));
  const bytes = parsed.flatMap((key) => [...key.write()]);

  return openpgp.armor(openpgp.enums.armor.publicKey, new Uint8Array(bytes));
}

for (const dialect of testDialects) {
  describe(`OpenPGP keys in the directory on ${dialect}`, () => {
    let t: TestApp;
    let editor: TestAccount;
    let keEditor: TestAccount;
    let member: TestAccount;
    let secretariat: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      editor = await t.createAccount('state-editor', { state: 'CH' });
      keEditor = await t.createAccount('state-editor', { state: 'KE' });
      member = await t.createAccount('poc', { state: 'NO' });
      secretariat = await t.createAccount('secretariat');
    });
    after(() => t.close());

    const create = (body: object, token = editor.token) =>
      t.request({ method: 'POST', url: '/api/v1/pocs', token, payload: body });
    const patch = (id: string, body: object) =>
      t.request({ method: 'PATCH', url: `/api/v1/pocs/${id}`, token: editor.token, payload: body });
    const get = (url: string, token?: string) => t.request({ method: 'GET', url, token });

    async function directoryPoc(id: string, token?: string) {
      const res = await get('/api/v1/directory', token);
      const pocs = res.json<{ states: DirectoryState[] }>().states.flatMap((s) => s.pocs);

      return pocs.find((p) => p.id === id);
    }

    function assertKeyProblem(res: Awaited<ReturnType<typeof create>>, message: RegExp) {
      assert.equal(res.statusCode, 422);
      const error = res.json<Problem>().errors?.[0];
      assert.equal(error?.field, 'pgpKey');
      assert.match(error.message, message);
    }

    it('rejects a field that contains several keys', async () => {
      const now = t.clock.now();
      const first = await makeKey({ createdAt: now });
      const second = await makeKey({ createdAt: now });
      const blocks = [first.publicKey + second.publicKey, await twoKeysInOneBlock(now)];
      for (const pgpKey of blocks) {
        const body = pocBody({ pgpKey });
        assertKeyProblem(await create(body), /contains 2 keys: paste one public key/);
        const stored = t.ctx.db.selectFrom('pocs').select('id').where('email', '=', body.email);
        assert.equal((await stored.execute()).length, 0);
      }

      const created = (await create(pocBody({ pgpKey: first.publicKey }))).json<PocView>();
      const res = await patch(created.id, { pgpKey: blocks[0] });
      assertKeyProblem(res, /contains 2 keys/);
      const row = await t.ctx.db
        .selectFrom('pocs')
        .select('pgp_key')
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.pgp_key, first.publicKey.trim());
    });

    it('rejects a truncated second key block', async () => {
      const { publicKey } = await makeKey({ createdAt: t.clock.now() });
      const cut = `${publicKey}\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ\n`;
      assertKeyProblem(await create(pocBody({ pgpKey: cut })), /without its END line/);
    });

    it('rejects a key created in the future', async () => {
      const ahead = new Date(t.clock.now().getTime() + 30 * DAY);
      const { publicKey } = await makeKey({ createdAt: ahead });
      assertKeyProblem(
        await create(pocBody({ pgpKey: publicKey })),
        /created in the future .*check the clock/,
      );

      const skewed = new Date(t.clock.now().getTime() + 2 * 60 * 1000);
      const withinSkew = await makeKey({ createdAt: skewed });
      assert.equal((await create(pocBody({ pgpKey: withinSkew.publicKey }))).statusCode, 201);
    });

    it('rejects a key that cannot encrypt', async () => {
      const signOnly = await makeKey({ createdAt: t.clock.now(), subkeys: [] });
      const res = await create(pocBody({ pgpKey: signOnly.publicKey }));
      assertKeyProblem(res, /no subkey that can encrypt/);
    });

    it('records a re-issued key with the same fingerprint', async () => {
      const now = t.clock.now();
      const original = await makeKey({ createdAt: now, expiresInSeconds: 365 * 24 * 3600 });
      const created = (await create(pocBody({ pgpKey: original.publicKey }))).json<PocView>();
      const privateKey = await openpgp.readPrivateKey({ armoredKey: original.privateKey });
      const reissued = await openpgp.reformatKey({
        privateKey,
        userIDs: [{ email: 'duty@csirt.example' }],
        keyExpirationTime: 2 * 365 * 24 * 3600,
        date: new Date(now.getTime() + 60_000),
        format: 'armored',
      });

      const res = await patch(created.id, { pgpKey: reissued.publicKey });
      assert.equal(res.statusCode, 200, res.body);
      const updated = res.json<PocView>();
      assert.equal(updated.pgpFingerprint, created.pgpFingerprint);
      assert.notEqual(updated.pgpExpiresAt, created.pgpExpiresAt);

      const history = await get(`/api/v1/pocs/${created.id}/history`, editor.token);
      type Entry = { action: string; changes: Record<string, { old: unknown; new: unknown }> };
      const entries = history.json<{ history: Entry[] }>().history;
      const update = entries.find((entry) => entry.action === 'update');
      assert.ok(update !== undefined, 'the key change has a history entry');
      assert.deepEqual(update.changes.pgpExpiresAt, {
        old: created.pgpExpiresAt,
        new: updated.pgpExpiresAt,
      });
      const digest = update.changes.pgpKeySha256;
      assert.match(String(digest?.old), /^[0-9a-f]{64}$/);
      assert.match(String(digest?.new), /^[0-9a-f]{64}$/);
      assert.notEqual(digest?.old, digest?.new);
      assert.ok(!('pgpFingerprint' in update.changes));
      const creation = entries.find((entry) => entry.action === 'create');
      assert.equal(creation?.changes.pgpKeySha256?.new, digest?.old);
    });

    it('gives the key to whom its visibility allows', async () => {
      const { publicKey } = await makeKey({
        createdAt: t.clock.now(),
        expiresInSeconds: 365 * 24 * 3600,
      });
      const poc = (await create(pocBody({ pgpKey: publicKey }))).json<PocView>();
      const stored = publicKey.trim();
      const fingerprint = poc.pgpFingerprint ?? '';
      const grouped = (fingerprint.match(/.{4}/g) ?? []).join(' ');
      const asc = `/api/v1/directory/pocs/${poc.id}.asc`;
      const vcf = `/api/v1/directory/pocs/${poc.id}.vcf`;

      // Default visibility: members only.
      const hidden = await directoryPoc(poc.id);
      assert.ok(hidden !== undefined);
      assert.equal(hidden.pgpKey, undefined);
      assert.equal(hidden.pgpFingerprint, undefined);
      assert.equal(hidden.pgpExpiresAt, undefined);
      assert.equal((await get(asc)).statusCode, 404);
      assert.equal(parseVcards((await get(vcf)).body)[0]?.key, undefined);
      assert.doesNotMatch((await get('/?q=Switzerland')).body, new RegExp(fingerprint));
      assert.doesNotMatch((await get('/?q=Switzerland')).body, new RegExp(grouped));
      const publicCsv = parseDirectoryCsv((await get('/api/v1/directory.csv')).body);
      assert.equal(publicCsv.find((row) => row.name === poc.name)?.pgp_fingerprint, '');

      const memberPoc = await directoryPoc(poc.id, member.token);
      assert.equal(memberPoc?.pgpKey, stored);
      assert.equal(memberPoc.pgpKeyExpired, false);
      const memberAsc = await get(asc, member.token);
      assert.equal(memberAsc.statusCode, 200);
      assert.match(String(memberAsc.headers['content-type']), /^application\/pgp-keys/);
      const read = await openpgp.readKey({ armoredKey: memberAsc.body });
      assert.equal(read.getFingerprint().toUpperCase(), fingerprint);
      const card = (await get(vcf, member.token)).body;
      assert.match(card, /\r\nKEY;/);
      assert.match(card, /MEDIATYPE=application\/pgp-keys/);
      assert.equal(parseVcards(card)[0]?.key, stored);
      const memberPage = (await get('/?q=Switzerland', member.token)).body;
      assert.ok(memberPage.includes(grouped), 'members see the formatted fingerprint');
      assert.ok(memberPage.includes(`expires ${poc.pgpExpiresAt?.slice(0, 10) ?? ''}`));
      assert.ok(memberPage.includes(asc));

      const put = await t.request({
        method: 'PUT',
        url: '/api/v1/states/CH/visibility',
        token: editor.token,
        payload: { pgpKey: 'public' },
      });
      assert.equal(put.statusCode, 200);
      assert.equal((await directoryPoc(poc.id))?.pgpKey, stored);
      const publicAsc = await get(asc);
      assert.equal(publicAsc.statusCode, 200);
      assert.equal(publicAsc.body.trim(), stored);
      assert.equal(parseVcards((await get(vcf)).body)[0]?.key, stored);
      const publicPage = (await get('/?q=Switzerland')).body;
      assert.ok(publicPage.includes(grouped), 'the public sees the formatted fingerprint');
      assert.ok(publicPage.includes(asc));
    });

    it('answers 404 for a PoC without a key', async () => {
      const poc = (await create(pocBody())).json<PocView>();
      const res = await get(`/api/v1/directory/pocs/${poc.id}.asc`, member.token);
      assert.equal(res.statusCode, 404);
    });

    it('flags keys that expire soon or have expired', async () => {
      const now = t.clock.now();
      const soon = await makeKey({ createdAt: now, expiresInSeconds: 10 * 24 * 3600 });
      const later = await makeKey({ createdAt: now, expiresInSeconds: 365 * 24 * 3600 });
      const saved = await create(pocBody({ pgpKey: soon.publicKey }), keEditor.token);
      assert.equal(saved.statusCode, 201);
      const expiring = saved.json<Saved>();
      assert.equal(expiring.warnings.length, 1);
      assert.equal(expiring.warnings[0]?.field, 'pgpKey');
      assert.equal(expiring.warnings[0].code, 'key_expires_soon');
      assert.match(expiring.warnings[0].message, /within 30 days/);
      const fine = await create(pocBody({ pgpKey: later.publicKey }), keEditor.token);
      assert.deepEqual(fine.json<Saved>().warnings, []);

      const health = async () => {
        const res = await get('/api/v1/directory/health', secretariat.token);
        assert.equal(res.statusCode, 200);
        const body = res.json<{ counts: Record<string, number>; states: StateHealth[] }>();
        return { counts: body.counts, kenya: body.states.find((s) => s.code === 'KE') };
      };
      const before = await health();
      assert.equal(before.kenya?.keysExpiringSoon, 1);
      assert.equal(before.kenya.expiredKeys, 0);

      t.clock.advance(11 * DAY);
      const after = await health();
      assert.equal(after.kenya?.keysExpiringSoon, 0);
      assert.equal(after.kenya.expiredKeys, 1);
      assert.ok((after.counts.expiredKeys ?? 0) >= 1);
      const page = (await get('/directory/health', secretariat.token)).body;
      assert.match(page, /Entries whose OpenPGP key has expired: [1-9]/);
      assert.match(page, /1 expired, 0 expiring/);

      const listed = await directoryPoc(expiring.id, member.token);
      assert.equal(listed?.pgpKeyExpired, true);
      const memberPage = (await get('/?q=Kenya', member.token)).body;
      assert.match(memberPage, /<span class="badge stale">Expired<\/span>/);
    });
  });
}
