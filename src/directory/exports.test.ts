import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { directoryToCsv, neutraliseFormula, parseDirectoryCsv, readCell } from './directory.csv.ts';
import type { DirectoryState } from './directory.service.ts';
import { parseVcards } from './vcard.ts';

const danishPoc = {
  level: 'technical',
  name: 'Søren Ærø-Hansen',
  designation: 'Head of the national CSIRT; incident desk',
  organisation: 'Ministry of Interior, Cyber Unit',
  email: 'soren@cert.dk.example',
  phone: '+45 33 92 33 00',
  hours: '24/7',
};

describe('CSV cells', () => {
  it('read back to the exact value after neutralising formulas', () => {
    const values = [
      '=SUM(A1)',
      '+1',
      '-2',
      '@cmd',
      '\tx',
      "'quoted",
      "'=both",
      'plain',
      '+41225550123',
    ];
    for (const value of values) assert.equal(readCell(neutraliseFormula(value)), value, value);
    assert.equal(neutraliseFormula('=SUM(A1)'), "'=SUM(A1)");
    assert.equal(neutraliseFormula('+41225550123'), '+41225550123');
  });
});

for (const dialect of testDialects) {
  describe(`directory exports on ${dialect}`, () => {
    let t: TestApp;
    let member: TestAccount;
    let pocId: string;

    before(async () => {
      t = await startTestApp(dialect);
      const editor = await t.createAccount('state-editor', { state: 'DK' });
      member = await t.createAccount('poc', { state: 'SE' });
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        token: editor.token,
        payload: danishPoc,
      });
      assert.equal(res.statusCode, 201);
      pocId = res.json<{ id: string }>().id;
    });
    after(() => t.close());

    it('writes a vCard 4.0 with escaped ORG, UTF-8 names and folded CRLF lines', async () => {
      const res = await t.request({ method: 'GET', url: `/api/v1/directory/pocs/${pocId}.vcf` });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/vcard/);
      const card = res.body;
      assert.ok(card.includes('\r\nORG:Ministry of Interior\\, Cyber Unit\r\n'));
      assert.ok(card.includes('\r\nFN:Søren Ærø-Hansen\r\n'));
      assert.ok(card.startsWith('BEGIN:VCARD\r\nVERSION:4.0\r\n'));
      assert.ok(card.endsWith('END:VCARD\r\n'));
      assert.doesNotMatch(card, /[^\r]\n/);
      for (const line of card.split('\r\n')) {
        assert.ok(Buffer.byteLength(line, 'utf8') <= 75, line);
        assert.ok(!line.includes('\uFFFD'));
      }
      assert.doesNotMatch(card, /TEL/);
    });

    it('folds long lines without splitting a UTF-8 character', async () => {
      const editor = await t.createAccount('state-editor', { state: 'IS' });
      const longName =
        'Þórunn Ævarsdóttir-Ólafsdóttir Guðmundsdóttir Sæmundsdóttir Þorsteinsdóttir';
      const created = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        token: editor.token,
        payload: { ...danishPoc, name: longName, email: 'long@cert.is.example' },
      });
      const { id } = created.json<{ id: string }>();
      const res = await t.request({ method: 'GET', url: `/api/v1/directory/pocs/${id}.vcf` });
      const lines = res.body.split('\r\n');
      assert.ok(
        lines.some((line) => line.startsWith(' ')),
        'expected a folded line',
      );
      for (const line of lines) assert.ok(Buffer.byteLength(line, 'utf8') <= 75);
      assert.equal(parseVcards(res.body)[0]?.fn, longName);
    });

    it('folds CJK and emoji lines within 75 octets', async () => {
      const editor = await t.createAccount('state-editor', { state: 'JP' });
      const designation = 'Head; deputy\\chief, ops ' + '日本語'.repeat(20);
      const organisation = '🛡️ Cyber 🧑‍💻 Unit, ' + '🇯🇵'.repeat(30);
      const created = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        token: editor.token,
        payload: { ...danishPoc, designation, organisation, email: 'cjk@cert.jp.example' },
      });
      assert.equal(created.statusCode, 201);
      const { id } = created.json<{ id: string }>();

      const res = await t.request({ method: 'GET', url: `/api/v1/directory/pocs/${id}.vcf` });
      const lines = res.body.split('\r\n');
      assert.ok(lines.filter((line) => line.startsWith(' ')).length > 4);
      for (const line of lines) {
        assert.ok(Buffer.byteLength(line, 'utf8') <= 75, `${Buffer.byteLength(line)}: ${line}`);
        assert.ok(!line.includes('\uFFFD'), line);
        assert.doesNotMatch(line, /^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
      }
      const card = parseVcards(res.body)[0];
      assert.equal(card?.title, designation);
      assert.equal(card.org, organisation);
    });

    it('rejects a state card file without visible entries', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/directory/states/FR.vcf' });
      assert.equal(res.statusCode, 404);
      assert.match(res.json<{ detail: string }>().detail, /France has no points of contact/);
    });

    it('accepts an upper-case PoC id for a card', async () => {
      const url = `/api/v1/directory/pocs/${pocId.toUpperCase()}.vcf`;
      const res = await t.request({ method: 'GET', url });
      assert.equal(res.statusCode, 200);
      assert.equal(parseVcards(res.body)[0]?.uid, `urn:uuid:${pocId}`);
    });

    it('re-imports a state’s vCards to the same values, telephones for members only', async () => {
      const res = await t.request({
        method: 'GET',
        url: '/api/v1/directory/states/dk.vcf',
        token: member.token,
      });
      assert.equal(res.statusCode, 200);
      const cards = parseVcards(res.body);
      assert.equal(cards.length, 1);
      assert.deepEqual(cards[0], {
        uid: `urn:uuid:${pocId}`,
        fn: danishPoc.name,
        org: danishPoc.organisation,
        title: danishPoc.designation,
        email: danishPoc.email,
        tel: ['tel:+4533923300'],
      });
    });

    it('answers 404 for an unknown PoC card', async () => {
      const url = '/api/v1/directory/pocs/00000000-0000-4000-8000-000000000000.vcf';
      assert.equal((await t.request({ method: 'GET', url })).statusCode, 404);
    });

    it('reads its own CSV export back to the same values', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/directory', token: member.token });
      const states = res.json<{ states: DirectoryState[] }>().states;
      const denmark = states.find((s) => s.code === 'DK');
      assert.ok(denmark);
      const tricky: DirectoryState = {
        ...denmark,
        pocs: [
          {
            id: 'x',
            level: 'policy',
            role: 'primary',
            lastConfirmedAt: null,
            stale: true,
            name: '=cmd|"/C calc"!A0',
            designation: "'quoted, with comma",
            organisation: 'Line\nbreak "and quotes"',
            email: '@odd@example.org',
          },
        ],
      };
      const csv = directoryToCsv([tricky]);
      assert.ok(csv.includes('\r\n'));
      const rows = parseDirectoryCsv(csv);
      assert.equal(rows[0]?.name, '=cmd|"/C calc"!A0');
      assert.equal(rows[0].designation, "'quoted, with comma");
      assert.equal(rows[0].organisation, 'Line\nbreak "and quotes"');
      assert.equal(rows[0].email, '@odd@example.org');

      const exported = await t.request({
        method: 'GET',
        url: '/api/v1/directory.csv',
        token: member.token,
      });
      const dk = parseDirectoryCsv(exported.body).find((row) => row.state_code === 'DK');
      assert.equal(dk?.name, danishPoc.name);
      assert.equal(dk.organisation, danishPoc.organisation);
      assert.equal(dk.phone, '+4533923300');
      assert.equal(dk.hours, '24/7');
    });
  });
}
