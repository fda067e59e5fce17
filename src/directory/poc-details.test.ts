import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import * as openpgp from 'openpgp';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import type { DirectoryState } from './directory.service.ts';
import type { PocView } from './pocs.schema.ts';

interface Problem {
  code: string;
  errors?: { field: string; message: string }[];
}

const DAY = 24 * 60 * 60 * 1000;

let serial = 0;
function pocBody(overrides: Record<string, unknown> = {}) {
  serial += 1;

  return {
    level: 'technical',
    name: `Duty Officer ${serial}`,
    designation: 'Incident handler',
    organisation: 'National CSIRT',
    email: `duty-${serial}@csirt.example`,
    ...overrides,
  };
}

async function generateKey(expiresInSeconds: number, createdAt = new Date()) {
  const { publicKey, privateKey } = await openpgp.generateKey({
    userIDs: [{ email: 'duty@csirt.example' }],
    type: 'ecc',
    curve: 'curve25519Legacy',
    keyExpirationTime: expiresInSeconds,
    date: createdAt,
    format: 'armored',
  });

  return { publicKey, privateKey };
}

for (const dialect of testDialects) {
  describe(`PoC details on ${dialect}`, () => {
    let t: TestApp;
    let editor: TestAccount;
    let otherEditor: TestAccount;
    let member: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      editor = await t.createAccount('state-editor', { state: 'PK' });
      otherEditor = await t.createAccount('state-editor', { state: 'NO' });
      member = await t.createAccount('poc', { state: 'NO' });
    });
    after(() => t.close());

    const create = (body: object, query = '') =>
      t.request({
        method: 'POST',
        url: `/api/v1/pocs${query}`,
        token: editor.token,
        payload: body,
      });

    async function publicState(code: string, token?: string) {
      const res = await t.request({ method: 'GET', url: '/api/v1/directory', token });
      const state = res.json<{ states: DirectoryState[] }>().states.find((s) => s.code === code);
      assert.ok(state);

      return state;
    }

    it('stores every CSIRT field and parses the OpenPGP key', async () => {
      const { publicKey } = await generateKey(365 * 24 * 3600, t.clock.now());
      const res = await create(
        pocBody({
          role: 'alternate',
          phone: '+92 51 9245 000',
          emergencyPhone: '0300 1234567',
          languages: ['UR', 'en', 'en'],
          timeZone: 'Asia/Karachi',
          hours: { mon: ['09:00-17:00'], fri: ['09:00-12:30', '14:00-17:00'] },
          pgpKey: publicKey,
        }),
      );
      assert.equal(res.statusCode, 201, res.body);
      const poc = res.json<PocView>();
      assert.equal(poc.role, 'alternate');
      assert.equal(poc.phone, '+92519245000');
      assert.equal(poc.emergencyPhone, '+923001234567');
      assert.deepEqual(poc.languages, ['ur', 'en']);
      assert.equal(poc.timeZone, 'Asia/Karachi');
      assert.deepEqual(poc.hours, { mon: ['09:00-17:00'], fri: ['09:00-12:30', '14:00-17:00'] });
      assert.match(poc.pgpFingerprint ?? '', /^[0-9A-F]{40}$/);
      assert.equal(poc.pgpExpiresAt?.slice(0, 4), '2027');
      assert.equal(poc.lastConfirmedAt, t.clock.now().toISOString());
      assert.equal(poc.stale, false);
    });

    it('accepts 24/7 as working hours', async () => {
      const res = await create(pocBody({ hours: '24/7' }));
      assert.equal(res.statusCode, 201);
      assert.equal(res.json<PocView>().hours, '24/7');
    });

    it('names each invalid detail field', async () => {
      const res = await create(
        pocBody({
          languages: ['english'],
          timeZone: 'Mars/Olympus',
          hours: { mon: ['17:00-09:00'], someday: [] },
          role: 'deputy',
        }),
      );
      assert.equal(res.statusCode, 422);
      const fields = (res.json<Problem>().errors ?? []).map((e) => e.field).sort();
      assert.deepEqual(fields, ['hours.mon.0', 'hours.someday', 'languages.0', 'role', 'timeZone']);
    });

    it('rejects an expired, private or unreadable key and stores nothing', async () => {
      const expired = await generateKey(3600, new Date(t.clock.now().getTime() - 2 * DAY));
      const cases: [string, RegExp][] = [
        [expired.publicKey, /expired on/],
        [expired.privateKey, /private key/],
        ['-----BEGIN PGP PUBLIC KEY BLOCK-----\nnot a key\n', /not an armored OpenPGP/],
      ];
      for (const [pgpKey, message] of cases) {
        const body = pocBody({ pgpKey });
        const res = await create(body);
        assert.equal(res.statusCode, 422);
        const error = res.json<Problem>().errors?.[0];
        assert.equal(error?.field, 'pgpKey');
        assert.match(error.message, message);
        const stored = t.ctx.db.selectFrom('pocs').select('id').where('email', '=', body.email);
        assert.equal((await stored.execute()).length, 0);
      }
    });

    it('stores names in NFC and finds them whatever their form', async () => {
      const decomposed = 'Zoe\u0308 Mu\u0308ller';
      const res = await create(pocBody({ name: decomposed }));
      assert.equal(res.statusCode, 201);
      assert.equal(res.json<PocView>().name, 'Zoë Müller'.normalize('NFC'));
      for (const query of ['zoë müller', 'ZOE MULLER', decomposed, 'Zoë  Müller']) {
        const search = await t.request({
          method: 'GET',
          url: `/api/v1/directory?q=${encodeURIComponent(query)}`,
        });
        const names = search.json<{ states: DirectoryState[] }>().states.flatMap((s) => s.pocs);
        assert.deepEqual(
          names.map((p) => p.name),
          ['Zoë Müller'],
          query,
        );
      }
    });

    it('flags a likely duplicate and adds it only when confirmed', async () => {
      const first = pocBody({ level: 'policy', email: 'Same.Person@Ministry.example' });
      assert.equal((await create(first)).statusCode, 201);

      const sameAddress = pocBody({ level: 'diplomatic', email: 'same.person@ministry.example' });
      const flagged = await create(sameAddress);
      assert.equal(flagged.statusCode, 409);
      assert.equal(flagged.json<Problem>().errors?.[0]?.field, 'email');
      assert.match(flagged.json<Problem>().errors?.[0]?.message ?? '', /confirmDuplicate=true/);
      assert.equal((await create(sameAddress, '?confirmDuplicate=true')).statusCode, 201);

      const sameName = pocBody({ level: 'technical', name: ` ${first.name.toUpperCase()} ` });
      const byName = await create(sameName);
      assert.equal(byName.statusCode, 409);
      assert.equal(byName.json<Problem>().errors?.[0]?.field, 'name');

      const exact = await create({ ...sameAddress }, '?confirmDuplicate=true');
      assert.equal(exact.statusCode, 409);
    });

    it('marks an entry stale after the period and fresh again once confirmed', async () => {
      const created = (await create(pocBody({ level: 'diplomatic' }))).json<PocView>();
      t.clock.advance(181 * DAY);
      const stalePoc = (await publicState('PK')).pocs.find((p) => p.id === created.id);
      assert.equal(stalePoc?.stale, true);
      assert.equal((await publicState('PK')).stale, true);
      const page = await t.request({ method: 'GET', url: '/?q=Pakistan' });
      assert.match(page.body, /Stale/);

      const unknownField = await t.request({
        method: 'POST',
        url: `/api/v1/pocs/${created.id}/confirm`,
        token: editor.token,
        payload: { x: 1 },
      });
      assert.equal(unknownField.statusCode, 422, unknownField.body);
      assert.equal(unknownField.json<Problem>().errors?.[0]?.field, 'x');
      assert.equal(
        (await publicState('PK')).stale,
        true,
        'a rejected confirmation changes nothing',
      );

      const confirm = await t.request({
        method: 'POST',
        url: `/api/v1/pocs/${created.id}/confirm`,
        token: editor.token,
      });
      assert.equal(confirm.statusCode, 200);
      assert.equal(confirm.json<PocView>().stale, false);
      const history = await t.request({
        method: 'GET',
        url: `/api/v1/pocs/${created.id}/history`,
        token: editor.token,
      });
      const actions = history
        .json<{ history: { action: string }[] }>()
        .history.map((h) => h.action);
      assert.deepEqual(actions, ['create', 'confirm']);
    });

    it('hides fields a state keeps for members from the public', async () => {
      const body = pocBody({ name: 'Private Person', phone: '+4722000000' });
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        token: otherEditor.token,
        payload: body,
      });
      assert.equal(res.statusCode, 201);
      const put = await t.request({
        method: 'PUT',
        url: '/api/v1/states/NO/visibility',
        token: otherEditor.token,
        payload: { name: 'members', phone: 'public' },
      });
      assert.equal(put.statusCode, 200);
      assert.equal(put.json<{ fields: { name: string } }>().fields.name, 'members');

      const publicPoc = (await publicState('NO')).pocs[0];
      assert.ok(publicPoc);
      assert.equal(publicPoc.name, undefined);
      assert.equal(publicPoc.phone, '+4722000000');
      assert.equal(publicPoc.level, 'technical');
      const memberPoc = (await publicState('NO', member.token)).pocs[0];
      assert.equal(memberPoc?.name, 'Private Person');

      const page = await t.request({ method: 'GET', url: '/?q=Norway' });
      assert.doesNotMatch(page.body, /Private Person/);
      assert.match(page.body, /Members only/);

      const foreign = await t.request({
        method: 'PUT',
        url: '/api/v1/states/NO/visibility',
        token: editor.token,
        payload: { name: 'public' },
      });
      assert.equal(foreign.statusCode, 403);
      const invalid = await t.request({
        method: 'PUT',
        url: '/api/v1/states/NO/visibility',
        token: otherEditor.token,
        payload: { name: 'everyone' },
      });
      assert.equal(invalid.statusCode, 422);
      assert.equal(invalid.json<Problem>().errors?.[0]?.field, 'name');
    });

    it('lets the secretariat record a change only with the state’s request', async () => {
      const secretariat = await t.createAccount('secretariat');
      const url = '/api/v1/states/PK/change-requests';
      const poc = pocBody({ level: 'policy' });
      const missing = await t.request({
        method: 'POST',
        url,
        token: secretariat.token,
        payload: { action: 'create', poc },
      });
      assert.equal(missing.statusCode, 422);
      assert.equal(missing.json<Problem>().errors?.[0]?.field, 'request');

      const request = 'Note verbale 2026/117 from the Permanent Mission';
      const res = await t.request({
        method: 'POST',
        url,
        token: secretariat.token,
        payload: { action: 'create', request, poc },
      });
      assert.equal(res.statusCode, 201);
      const created = res.json<PocView>();
      assert.equal(created.stateCode, 'PK');
      const history = await t.request({
        method: 'GET',
        url: `/api/v1/pocs/${created.id}/history`,
        token: editor.token,
      });
      const first = history.json<{ history: { note: string; by: string }[] }>().history[0];
      assert.equal(first?.note, request);
      assert.equal(first.by, secretariat.email);

      const byEditor = await t.request({
        method: 'POST',
        url,
        token: editor.token,
        payload: { action: 'create', request, poc: pocBody() },
      });
      assert.equal(byEditor.statusCode, 403);
    });

    it('rejects unsafe text in single-line fields and stores nothing', async () => {
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ name: 'Evil\r\nBcc: x@evil.example' }, 'name', /single line/],
        [{ designation: 'Nul\u0000Byte' }, 'designation', /single line|control/],
        [{ organisation: 'Bell\u0007' }, 'organisation', /control characters/],
        [{ name: '\u200b\u200b' }, 'name', /visible characters/],
        [{ name: 'abc\u202Egnp.exe' }, 'name', /bidirectional/],
        [{ name: 'x\ud800y' }, 'name', /valid Unicode/],
      ];
      for (const [override, field, message] of cases) {
        const body = pocBody(override);
        const res = await create(body);
        assert.equal(res.statusCode, 422, JSON.stringify(override));
        const error = res.json<Problem>().errors?.find((e) => e.field === field);
        assert.match(error?.message ?? '', message);
        const stored = t.ctx.db.selectFrom('pocs').select('id').where('email', '=', body.email);
        assert.equal((await stored.execute()).length, 0);
      }
      const fine = await create(pocBody({ name: 'محمد بن سلمان 😀' }));
      assert.equal(fine.statusCode, 201);
    });

    it('rejects phone extensions and trailing text', async () => {
      for (const phone of ['+41225550123;ext=1', '+41225550123 ext. 5', '+41225550123x']) {
        const res = await create(pocBody({ phone }));
        assert.equal(res.statusCode, 422, phone);
        assert.equal(res.json<Problem>().errors?.[0]?.field, 'phone');
      }
    });

    it('stores an address with a Unicode domain however it was typed', async () => {
      const res = await create(pocBody({ email: 'kontakt@xn--cyber-behrde-djb.example' }));
      assert.equal(res.statusCode, 201);
      assert.equal(res.json<PocView>().email, 'kontakt@cyber-behörde.example');
    });

    it('says a missing field is required and a state is never accepted', async () => {
      const res = await create({ level: 'policy', stateCode: 'NO', state: 'NO' });
      assert.equal(res.statusCode, 422);
      const errors = res.json<Problem>().errors ?? [];
      const byField = new Map(errors.map((e) => [e.field, e.message]));
      assert.equal(byField.get('name'), 'is required');
      assert.equal(byField.get('email'), 'is required');
      assert.match(byField.get('stateCode') ?? '', /your own state/);
      assert.match(byField.get('state') ?? '', /your own state/);
    });

    it('gives a likely duplicate its own problem code', async () => {
      const first = pocBody({ level: 'policy' });
      assert.equal((await create(first)).statusCode, 201);
      const res = await create(pocBody({ level: 'technical', email: first.email }));
      assert.equal(res.statusCode, 409);
      assert.equal(res.json<Problem>().code, 'duplicate_suspected');
    });

    it('records no empty fields in the creation history', async () => {
      const created = (await create(pocBody())).json<PocView>();
      const history = await t.request({
        method: 'GET',
        url: `/api/v1/pocs/${created.id}/history`,
        token: editor.token,
      });
      type Entry = { changes: Record<string, unknown> };
      const changes = history.json<{ history: Entry[] }>().history[0]?.changes ?? {};
      assert.ok('name' in changes);
      assert.ok(!('languages' in changes));
      assert.ok(!('phone' in changes));
    });
  });
}
