import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import type { PocView } from './pocs.schema.ts';

interface Problem {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

let serial = 0;
function pocBody(overrides: Record<string, unknown> = {}) {
  serial += 1;

  return {
    level: 'technical',
    name: `Input Officer ${serial}`,
    designation: 'Incident handler',
    organisation: 'National CSIRT',
    email: `input-${serial}@csirt.example`,
    ...overrides,
  };
}

for (const dialect of testDialects) {
  describe(`PoC input hygiene on ${dialect}`, () => {
    let t: TestApp;
    let editor: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      editor = await t.createAccount('state-editor', { state: 'SG' });
    });
    after(() => t.close());

    const create = (body: object, query = '?confirmDuplicate=true') =>
      t.request({
        method: 'POST',
        url: `/api/v1/pocs${query}`,
        token: editor.token,
        payload: body,
      });

    const patch = (id: string, body: object) =>
      t.request({ method: 'PATCH', url: `/api/v1/pocs/${id}`, token: editor.token, payload: body });

    async function countByEmailPrefix(prefix: string) {
      const rows = await t.ctx.db
        .selectFrom('pocs')
        .select('id')
        .where('email', 'like', `${prefix}%`)
        .execute();

      return rows.length;
    }

    /** Asserts a 422 with exactly one error, on `field`, and returns its message. */
    function assertOneFieldError(res: Awaited<ReturnType<TestApp['request']>>, field: string) {
      assert.equal(res.statusCode, 422);
      const problem = res.json<Problem>();
      assert.equal(problem.code, 'validation_failed');
      assert.deepEqual(
        problem.errors?.map((error) => error.field),
        [field],
      );

      return problem.errors[0]?.message ?? '';
    }

    for (const email of [
      'urlq@example.org?x',
      'urlfrag@example.org#frag',
      'urlpath@example.org/path',
      'urlslash@good.example\\evil.example',
      'urlpct@ex%41mple.org',
      'urlport@x.example:25',
      'urlat@good.example/@evil.example',
      'urlspace@exa mple.org',
    ]) {
      it(`rejects the e-mail ${JSON.stringify(email)} without storing it`, async () => {
        const res = await create(pocBody({ email }));
        const message = assertOneFieldError(res, 'email');
        assert.match(message, /valid e-mail address/);
        assert.equal(await countByEmailPrefix(email.slice(0, email.indexOf('@'))), 0);
      });
    }

    it('keeps an IDN e-mail domain in Unicode', async () => {
      const res = await create(pocBody({ email: 'kontakt@cyber-behörde.example' }));
      assert.equal(res.statusCode, 201);
      assert.equal(res.json<PocView>().email, 'kontakt@cyber-behörde.example');
    });

    it('counts name length after NFC', async () => {
      const name = 'e\u0301'.repeat(150);
      const res = await create(pocBody({ name }));
      assert.equal(res.statusCode, 201);
      assert.equal(res.json<PocView>().name, '\u00e9'.repeat(150));
    });

    it('still rejects a name too long after NFC', async () => {
      const res = await create(pocBody({ name: 'e\u0301'.repeat(201) }));
      assert.match(assertOneFieldError(res, 'name'), /at most 200 characters/);
    });

    const hiddenNames: [string, string][] = [
      ['Tan Wei\u00adLing', 'U+00AD'],
      ['Tan Wei\u200eLing', 'U+200E'],
      ['Tan Wei\u061cLing', 'U+061C'],
      ['Tan\u3164Wei Ling', 'U+3164'],
      ['\u115fTan Wei Ling', 'U+115F'],
      ['Tan\u2800Wei Ling', 'U+2800'],
      ['Tan Wei\u{1d173}Ling', 'U+1D173'],
      ['Tan Wei Lin\u{e0067}g', 'U+E0067'],
      ['Tan Wei Ling\ufe0f', 'U+FE0F'],
      ['Tan Wei Ling\ue000', 'U+E000'],
      ['Tan Wei Ling\uffff', 'U+FFFF'],
    ];
    for (const [name, codePoint] of hiddenNames) {
      it(`rejects ${codePoint} in a name`, async () => {
        const res = await create(pocBody({ name }));
        const message = assertOneFieldError(res, 'name');
        assert.ok(message.includes(codePoint), message);
      });
    }

    it('rejects a hidden character in the organisation', async () => {
      const res = await create(pocBody({ organisation: 'CSIRT\u00ad SG' }));
      assert.match(assertOneFieldError(res, 'organisation'), /U\+00AD/);
    });

    for (const name of ['\u0301', '---', '\u200d']) {
      it(`rejects the name ${JSON.stringify(name)} without a letter`, async () => {
        const res = await create(pocBody({ name }));
        assert.equal(res.statusCode, 422);
        assert.equal(res.json<Problem>().errors?.[0]?.field, 'name');
      });
    }

    it('keeps joiners that scripts need', async () => {
      const persian = 'می\u200cخواهم';
      const res = await create(pocBody({ name: persian }));
      assert.equal(res.statusCode, 201);
      assert.equal(res.json<PocView>().name, persian);
    });

    it('finds a name with a joiner without it', async () => {
      const res = await create(pocBody({ name: 'Ravi Ku\u200dmar', level: 'policy' }));
      assert.equal(res.statusCode, 201);
      const duplicate = await create(pocBody({ name: 'Ravi Kumar', level: 'policy' }), '');
      assert.equal(duplicate.statusCode, 409);
      assert.equal(duplicate.json<Problem>().code, 'duplicate_suspected');
    });

    it('explains a string that is not 24/7', async () => {
      const res = await create(pocBody({ hours: '24x7' }));
      assert.match(assertOneFieldError(res, 'hours'), /"24\/7" or ranges per weekday/);
    });

    it('names the day with too many ranges', async () => {
      const hours = {
        mon: ['01:00-02:00', '03:00-04:00', '05:00-06:00', '07:00-08:00', '09:00-10:00'],
      };
      const res = await create(pocBody({ hours }));
      assert.match(assertOneFieldError(res, 'hours.mon'), /at most 4 ranges a day/);
    });

    it('gives a one-digit hour one message', async () => {
      const res = await create(pocBody({ hours: { mon: ['9:00-17:00'] } }));
      assert.match(assertOneFieldError(res, 'hours.mon.0'), /two-digit hours, such as 09:00-17:30/);
    });

    it('explains a range that ends before it starts', async () => {
      const res = await create(pocBody({ hours: { tue: ['22:00-06:00'] } }));
      assert.match(assertOneFieldError(res, 'hours.tue.0'), /24:00.*00:00/);
    });

    it('rejects overlapping ranges', async () => {
      const hours = { mon: ['11:00-13:00', '09:00-12:00'] };
      const res = await create(pocBody({ hours }));
      const message = assertOneFieldError(res, 'hours.mon');
      assert.match(message, /overlapping ranges 09:00-12:00 and 11:00-13:00/);
    });

    it('sorts ranges and accepts touching ones', async () => {
      const hours = { fri: ['13:00-17:00', '09:00-13:00'], sat: ['18:00-24:00'] };
      const res = await create(pocBody({ hours }));
      assert.equal(res.statusCode, 201);
      assert.deepEqual(res.json<PocView>().hours, {
        fri: ['09:00-13:00', '13:00-17:00'],
        sat: ['18:00-24:00'],
      });
    });

    for (const hours of [{}, { mon: [], sun: [] }]) {
      it(`stores the hours ${JSON.stringify(hours)} as none`, async () => {
        const res = await create(pocBody({ hours }));
        assert.equal(res.statusCode, 201);
        assert.equal(res.json<PocView>().hours, null);
      });
    }

    for (const key of ['__proto__', 'constructor', 'someday']) {
      it(`rejects ${key} as a day and keeps the stored hours`, async () => {
        const stored = { mon: ['09:00-17:00'], tue: ['09:00-17:00'] };
        const res = await create(pocBody({ hours: stored }));
        assert.equal(res.statusCode, 201);
        const id = res.json<PocView>().id;

        const rejected = await t.request({
          method: 'PATCH',
          url: `/api/v1/pocs/${id}`,
          token: editor.token,
          headers: { 'content-type': 'application/json' },
          payload: `{"hours":{"${key}":["09:00-10:00"]}}`,
        });
        assert.match(assertOneFieldError(rejected, `hours.${key}`), /is not a known field/);

        const list = await t.request({ method: 'GET', url: '/api/v1/pocs', token: editor.token });
        const current = list.json<{ pocs: PocView[] }>().pocs.find((poc) => poc.id === id);
        assert.deepEqual(current?.hours, stored);
      });
    }

    const zones: [string, string][] = [
      ['europe/zurich', 'Europe/Zurich'],
      ['Asia/Calcutta', 'Asia/Kolkata'],
      ['US/Eastern', 'America/New_York'],
      ['europe/kiev', 'Europe/Kyiv'],
      ['utc', 'UTC'],
      ['Asia/Karachi', 'Asia/Karachi'],
    ];
    for (const [given, canonical] of zones) {
      it(`stores the time zone ${given} as ${canonical}`, async () => {
        const res = await create(pocBody({ timeZone: given }));
        assert.equal(res.statusCode, 201);
        assert.equal(res.json<PocView>().timeZone, canonical);
      });
    }

    it('canonicalises a time zone on PATCH', async () => {
      const res = await create(pocBody());
      const updated = await patch(res.json<PocView>().id, { timeZone: 'asia/saigon' });
      assert.equal(updated.statusCode, 200);
      assert.equal(updated.json<PocView>().timeZone, 'Asia/Ho_Chi_Minh');
    });

    for (const zone of ['EST', 'CET', 'Mars/Olympus']) {
      it(`rejects the time zone ${zone}`, async () => {
        const res = await create(pocBody({ timeZone: zone }));
        assert.match(assertOneFieldError(res, 'timeZone'), /IANA time zone name/);
      });
    }
  });
}
