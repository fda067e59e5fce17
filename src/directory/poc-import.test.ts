import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { parse } from 'csv-parse/sync';
import * as openpgp from 'openpgp';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { parseDirectoryCsv, type CsvRow } from './directory.csv.ts';
import type { ImportReport } from './poc-import.service.ts';

interface Problem {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

const BOM = '\uFEFF';

const danishPocs = [
  {
    level: 'technical',
    name: 'Søren Ærø-Hansen',
    designation: 'Head of the national CSIRT; incident desk',
    organisation: 'Ministry of Interior, Cyber Unit',
    email: 'soren@cert.dk.example',
    phone: '+45 33 92 33 00',
    emergencyPhone: '+45 33 92 33 01',
    languages: ['da', 'en'],
    timeZone: 'Europe/Copenhagen',
    hours: { mon: ['08:00-12:00', '13:00-16:30'], fri: ['08:00-14:00'] },
  },
  {
    level: 'technical',
    role: 'alternate',
    name: '=HYPERLINK("http://x")',
    designation: "'quoted, with comma",
    organisation: 'Unit "and quotes", Ltd',
    email: 'alt@cert.dk.example',
    hours: '24/7',
  },
  {
    level: 'policy',
    name: 'Mette Ølgaard',
    designation: '+Adviser',
    organisation: '@Ministry',
    email: 'mette@dk.example',
  },
];

/** Columns whose values an import carries over; the others are derived when stored. */
const carriedColumns: (keyof CsvRow)[] = [
  'state_code',
  'state_name',
  'level',
  'role',
  'name',
  'designation',
  'organisation',
  'email',
  'phone',
  'emergency_phone',
  'languages',
  'time_zone',
  'hours',
];

function readRows(csv: string) {
  const rows = parseDirectoryCsv(csv);

  return rows.map((row) => Object.fromEntries(carriedColumns.map((c) => [c, row[c]])));
}

for (const dialect of testDialects) {
  describe(`PoC CSV import on ${dialect}`, () => {
    let source: TestApp;
    let target: TestApp;
    let sourceEditor: TestAccount;
    let targetEditor: TestAccount;
    let exported: string;

    async function importCsv(app: TestApp, token: string, csv: string, query = '') {
      return app.request({
        method: 'POST',
        url: `/api/v1/pocs/import${query}`,
        token,
        headers: { 'content-type': 'text/csv; charset=utf-8' },
        payload: csv,
      });
    }

    async function exportCsv(app: TestApp, token: string) {
      const res = await app.request({ method: 'GET', url: '/api/v1/directory.csv', token });
      assert.equal(res.statusCode, 200);

      return res.body;
    }

    async function countPocs(app: TestApp) {
      const rows = await app.ctx.db.selectFrom('pocs').select('id').execute();
      return rows.length;
    }

    before(async () => {
      source = await startTestApp(dialect);
      target = await startTestApp(dialect);
      sourceEditor = await source.createAccount('state-editor', { state: 'DK' });
      targetEditor = await target.createAccount('state-editor', { state: 'DK' });
      for (const payload of danishPocs) {
        const res = await source.request({
          method: 'POST',
          url: '/api/v1/pocs',
          token: sourceEditor.token,
          payload,
        });
        assert.equal(res.statusCode, 201, res.body);
      }
      exported = await exportCsv(source, sourceEditor.token);
    });
    after(async () => {
      await source.close();
      await target.close();
    });

    it('starts the export with a byte order mark', () => {
      assert.ok(exported.startsWith(`${BOM}state_code,`));
    });

    it('exports key expiry to members only', async () => {
      const { publicKey } = await openpgp.generateKey({
        userIDs: [{ email: 'duty@cert.se.example' }],
        type: 'ecc',
        curve: 'curve25519Legacy',
        keyExpirationTime: 365 * 24 * 3600,
        date: source.clock.now(),
        format: 'armored',
      });
      const swedishEditor = await source.createAccount('state-editor', { state: 'SE' });
      const created = await source.request({
        method: 'POST',
        url: '/api/v1/pocs',
        token: swedishEditor.token,
        payload: { ...danishPocs[2], email: 'key@cert.se.example', pgpKey: publicKey },
      });
      assert.equal(created.statusCode, 201);
      const { pgpExpiresAt } = created.json<{ pgpExpiresAt: string }>();
      assert.match(pgpExpiresAt, /^\d{4}-/);

      const members = parse<Record<string, string>>(await exportCsv(source, swedishEditor.token), {
        columns: true,
        bom: true,
      });
      assert.equal(members.find((r) => r.state_code === 'SE')?.pgp_expires_at, pgpExpiresAt);
      const anonymous = await source.request({ method: 'GET', url: '/api/v1/directory.csv' });
      const publicRows = parse<Record<string, string>>(anonymous.body, {
        columns: true,
        bom: true,
      });
      const swedish = publicRows.find((r) => r.state_code === 'SE');
      assert.equal(swedish?.pgp_expires_at, '');
      assert.equal(swedish.pgp_fingerprint, '');
    });

    it('dry-runs an import into an empty copy without writing', async () => {
      const res = await importCsv(target, targetEditor.token, exported, '?dryRun=true');
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json<ImportReport>();
      assert.equal(report.dryRun, true);
      const danish = report.rows.filter((row) => row.action !== 'reject');
      assert.equal(danish.length, 3);
      assert.equal(report.created, 3);
      assert.deepEqual(
        danish.map((row) => row.row),
        [2, 3, 4],
      );
      const soren = danish.find((row) => row.email === 'soren@cert.dk.example');
      assert.deepEqual(soren?.changedFields, [
        'level',
        'role',
        'name',
        'designation',
        'organisation',
        'email',
        'phone',
        'emergencyPhone',
        'languages',
        'timeZone',
        'hours',
      ]);
      assert.equal(await countPocs(target), 0);
    });

    it('round-trips the export through an import to the same values', async () => {
      const danishOnly = exported
        .split('\r\n')
        .filter((line, index) => index === 0 || !line.startsWith('SE,'))
        .join('\r\n');
      const res = await importCsv(target, targetEditor.token, danishOnly);
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json<ImportReport>();
      assert.equal(report.created, 3);
      assert.equal(report.rejected, 0);

      const again = readRows(await exportCsv(target, targetEditor.token));
      const original = readRows(exported).filter((row) => row.state_code === 'DK');
      assert.deepEqual(again, original);
      assert.equal(again.find((r) => r.role === 'alternate')?.name, danishPocs[1]?.name);
    });

    it('writes a history entry for each created PoC', async () => {
      const entries = await target.ctx.db
        .selectFrom('poc_history')
        .select(['action', 'account_id'])
        .execute();
      assert.equal(entries.length, 3);
      assert.ok(entries.every((entry) => entry.action === 'create'));
      assert.ok(entries.every((entry) => entry.account_id === targetEditor.id));
    });

    it('reports unchanged rows and updates matched by e-mail and level', async () => {
      const edited = exported.replace('Head of the national CSIRT', 'Chief of the national CSIRT');
      const danishOnly = edited
        .split('\r\n')
        .filter((line) => !line.startsWith('SE,'))
        .join('\r\n');
      const dry = await importCsv(target, targetEditor.token, danishOnly, '?dryRun=true');
      const report = dry.json<ImportReport>();
      assert.equal(report.updated, 1);
      assert.equal(report.unchanged, 2);
      const soren = report.rows.find((row) => row.email === 'soren@cert.dk.example');
      assert.equal(soren?.action, 'update');
      assert.deepEqual(soren.changedFields, ['designation']);

      const versionsOf = () =>
        target.ctx.db.selectFrom('pocs').select(['email', 'version']).orderBy('email').execute();
      const versionsBefore = await versionsOf();
      const real = await importCsv(target, targetEditor.token, danishOnly);
      assert.equal(real.statusCode, 200);
      for (const { email, version } of await versionsOf()) {
        const before = versionsBefore.find((row) => row.email === email)?.version;
        assert.equal(version, email === 'soren@cert.dk.example' ? (before ?? 0) + 1 : before);
      }
      const updates = await target.ctx.db
        .selectFrom('poc_history')
        .select('changes')
        .where('action', '=', 'update')
        .execute();
      assert.equal(updates.length, 1);
      assert.match(updates[0]?.changes ?? '', /Chief of the national CSIRT/);
      assert.equal(await countPocs(target), 3);
    });

    it('rejects rows by row and column and writes nothing', async () => {
      const header = 'state_code,level,name,designation,organisation,email,phone';
      const csv = [
        header,
        'DK,technical,New Person,Analyst,CERT,new@cert.dk.example,',
        'DK,technical,Bad Phone,Analyst,CERT,bad@cert.dk.example,+0407123456',
        'SE,policy,Other State,Analyst,CERT,other@cert.se.example,',
        'DK,strategic,Bad Level,Analyst,CERT,not-an-address,',
      ].join('\r\n');

      const dry = await importCsv(target, targetEditor.token, csv, '?dryRun=true');
      assert.equal(dry.statusCode, 200);
      const report = dry.json<ImportReport>();
      assert.equal(report.created, 1);
      assert.equal(report.rejected, 3);
      assert.deepEqual(
        report.rows.map((row) => [row.row, row.action]),
        [
          [2, 'create'],
          [3, 'reject'],
          [4, 'reject'],
          [5, 'reject'],
        ],
      );
      assert.deepEqual(
        report.rows[1]?.errors.map((e) => e.column),
        ['phone'],
      );
      assert.deepEqual(
        report.rows[2]?.errors.map((e) => e.column),
        ['state_code'],
      );
      assert.match(report.rows[2].errors[0]?.message ?? '', /own state, DK/);
      assert.deepEqual(
        report.rows[3]?.errors.map((e) => e.column),
        ['level'],
      );

      const real = await importCsv(target, targetEditor.token, csv);
      assert.equal(real.statusCode, 422);
      const problem = real.json<Problem>();
      assert.equal(problem.code, 'validation_failed');
      assert.deepEqual(
        problem.errors?.map((e) => e.field),
        ['rows.3.phone', 'rows.4.state_code', 'rows.5.level'],
      );
      assert.equal(await countPocs(target), 3);
    });

    it('accepts a file without a byte order mark as a multipart upload', async () => {
      const csv =
        'state_code,level,name,designation,organisation,email\r\n' +
        "DK,diplomatic,'=Formula Name,Envoy,Embassy,envoy@dk.example\r\n";
      const boundary = 'parley-import-boundary';
      const payload =
        `--${boundary}\r\n` +
        'Content-Disposition: form-data; name="file"; filename="pocs.csv"\r\n' +
        'Content-Type: text/csv\r\n\r\n' +
        `${csv}\r\n--${boundary}--\r\n`;
      const res = await target.request({
        method: 'POST',
        url: '/api/v1/pocs/import',
        token: targetEditor.token,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload,
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<ImportReport>().created, 1);
      const stored = await target.ctx.db
        .selectFrom('pocs')
        .select('name')
        .where('email', '=', 'envoy@dk.example')
        .executeTakeFirstOrThrow();
      assert.equal(stored.name, '=Formula Name');
    });

    it('answers 400 to a form with two files', async () => {
      const csv = 'state_code,level,name,designation,organisation,email\r\n';
      const boundary = 'parley-import-boundary';
      const part = (name: string) =>
        `--${boundary}\r\n` +
        `Content-Disposition: form-data; name="${name}"; filename="${name}.csv"\r\n` +
        `Content-Type: text/csv\r\n\r\n${csv}\r\n`;
      const res = await target.request({
        method: 'POST',
        url: '/api/v1/pocs/import?dryRun=true',
        token: targetEditor.token,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: `${part('file')}${part('other')}--${boundary}--\r\n`,
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.json<Problem>().detail, /more than one file: send one file/);
    });

    it('rejects a file with an unknown column', async () => {
      const csv = 'state_code,level,name,designation,organisation,email,mobile\r\n';
      const res = await importCsv(
        target,
        targetEditor.token,
        `${csv}DK,policy,A,B,C,d@dk.example,1`,
      );
      assert.equal(res.statusCode, 422);
      const problem = res.json<Problem>();
      assert.equal(problem.errors?.[0]?.field, 'header');
      assert.match(problem.errors[0].message, /unknown columns mobile/);
    });

    it('rejects a file that is not UTF-8', async () => {
      const csv = Buffer.concat([
        Buffer.from('state_code,level,name,designation,organisation,email\r\nDK,policy,S'),
        Buffer.from([0xf8]),
        Buffer.from('ren,B,C,d@dk.example\r\n'),
      ]);
      const res = await target.request({
        method: 'POST',
        url: '/api/v1/pocs/import',
        token: targetEditor.token,
        headers: { 'content-type': 'text/csv' },
        payload: csv,
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.json<Problem>().detail, /not valid UTF-8/);
    });

    it('flags two new rows of one file with the same name', async () => {
      const header = 'state_code,level,name,designation,organisation,email\r\n';
      const csv =
        `${header}DK,technical,Twin Name,Duty,Org,twin1@dk.example\r\n` +
        'DK,policy,Twin  NAME,Duty,Org,twin2@dk.example\r\n';
      const before = await countPocs(target);
      const res = await importCsv(target, targetEditor.token, csv);
      assert.equal(res.statusCode, 422);
      const problem = res.json<Problem>();
      assert.equal(problem.errors?.[0]?.field, 'rows.3.name');
      assert.match(problem.errors[0].message, /name of row 2 of this file/);
      assert.equal(await countPocs(target), before);

      const confirmed = await importCsv(
        target,
        targetEditor.token,
        csv,
        '?confirmDuplicates=true&dryRun=true',
      );
      assert.equal(confirmed.statusCode, 200, confirmed.body);
    });

    it('flags a name with look-alike letters of another script', async () => {
      const header = 'state_code,level,name,designation,organisation,email\r\n';
      // U+0435 CYRILLIC SMALL LETTER IE in place of each Latin "e" of the first row.
      const cyrillicRow = 'DK,technical,N\u0435w P\u0435rson,Analyst,CERT,cyr@dk.example\r\n';
      const csv = `${header}${cyrillicRow}DK,policy,New Person,Analyst,CERT,np@dk.example\r\n`;

      const res = await importCsv(target, targetEditor.token, csv, '?dryRun=true');
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json<ImportReport>();
      assert.equal(report.rows[0]?.action, 'create');
      assert.equal(report.rows[1]?.action, 'reject');
      assert.match(report.rows[1].errors[0]?.message ?? '', /name of row 2 of this file/);
    });

    it('flags a stored name with look-alike letters of another script', async () => {
      const header = 'state_code,level,name,designation,organisation,email\r\n';
      // "Mette Ølgaard" with U+0435 CYRILLIC SMALL LETTER IE for each "e".
      const csv = `${header}DK,technical,M\u0435tt\u0435 Ølgaard,Analyst,CERT,m2@dk.example\r\n`;

      const res = await importCsv(target, targetEditor.token, csv, '?dryRun=true');
      assert.equal(res.statusCode, 200, res.body);
      const row = res.json<ImportReport>().rows[0];
      assert.equal(row?.action, 'reject');
      assert.equal(row.errors[0]?.column, 'name');
      assert.match(row.errors[0].message, /Mette Ølgaard/);
    });

    it('answers 415 naming the types it reads for a JSON body', async () => {
      for (const contentType of ['application/json', 'text/plain']) {
        const res = await target.request({
          method: 'POST',
          url: '/api/v1/pocs/import',
          token: targetEditor.token,
          headers: { 'content-type': contentType },
          payload: contentType === 'application/json' ? '{"rows":[]}' : 'state_code,level',
        });
        assert.equal(res.statusCode, 415, contentType);
        const detail = res.json<Problem>().detail;
        assert.match(detail, /send the body as text\/csv or multipart\/form-data$/);
      }
    });

    it("rejects a row at a partner account's address", async () => {
      const partner = await target.createAccount('partner', { org: 'Import Probe Labs' });
      const header = 'state_code,level,name,designation,organisation,email\r\n';
      const csv = `${header}DK,technical,Probe Person,Duty,Org,${partner.email.toUpperCase()}\r\n`;
      const before = await countPocs(target);
      const res = await importCsv(target, targetEditor.token, csv);
      assert.equal(res.statusCode, 422, res.body);
      const problem = res.json<Problem>();
      assert.equal(problem.errors?.[0]?.field, 'rows.2.email');
      assert.equal(await countPocs(target), before);
    });

    it('lets only state editors import', async () => {
      const member = await target.createAccount('poc', { state: 'DK' });
      const res = await importCsv(target, member.token, exported);
      assert.equal(res.statusCode, 403);
    });
  });
}
