import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { domainToASCII } from 'node:url';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { findMixedScriptLabel, findWholeScriptConfusable } from '../shared/email.ts';

// `gоvcert` below spells its `о` with CYRILLIC SMALL LETTER O (U+043E).
const LOOKALIKE = 'duty@g\u043evcert.ch.example';
// `сіѕсо` below is wholly Cyrillic: es, byelorussian-ukrainian i, dze, es, o.
const CYRILLIC_CISCO = '\u0441\u0456\u0455\u0441\u043e';

describe('mixed-script domain labels', () => {
  it('finds Latin mixed with Cyrillic or Greek', () => {
    assert.deepEqual(findMixedScriptLabel(LOOKALIKE), {
      label: 'g\u043evcert',
      scripts: ['Latin', 'Cyrillic'],
    });
    assert.deepEqual(findMixedScriptLabel('a@p\u03b1ypal.example')?.scripts, ['Latin', 'Greek']);
  });

  it('reads the punycode spelling of the same domain', () => {
    assert.equal(findMixedScriptLabel('duty@xn--gvcert-wqf.ch.example')?.label, 'g\u043evcert');
  });

  it('passes domains in one script, digits and hyphens included', () => {
    for (const address of [
      'duty@cert.ch.example',
      'kontakt@cyber-beh\u00f6rde.example',
      'duty@\u043f\u0440\u0438\u043c\u0435\u0440-24.\u0440\u0444',
      'duty@\u03b5\u03bb\u03bb\u03ac\u03b4\u03b1.gr',
    ]) {
      assert.equal(findMixedScriptLabel(address), null, address);
    }
  });
});

describe('whole-script look-alike domain labels', () => {
  it('finds a Cyrillic label that reads as Latin', () => {
    assert.deepEqual(findWholeScriptConfusable(`psirt@${CYRILLIC_CISCO}.com`), {
      label: CYRILLIC_CISCO,
      script: 'Cyrillic',
      looksLike: 'cisco',
    });
  });

  it('finds a Greek label that reads as Latin', () => {
    assert.equal(findWholeScriptConfusable('a@\u03bf\u03bf\u03bf.org')?.looksLike, 'ooo');
  });

  it('reads the punycode spelling of the same domain', () => {
    const punycode = `psirt@${domainToASCII(`${CYRILLIC_CISCO}.com`)}`;
    assert.equal(findWholeScriptConfusable(punycode)?.label, CYRILLIC_CISCO);
  });

  it('passes a look-alike label under a top-level domain of its script', () => {
    assert.equal(findWholeScriptConfusable(`psirt@${CYRILLIC_CISCO}.\u0440\u0444`), null);
  });

  it('passes labels with letters that have no Latin look-alike', () => {
    for (const address of [
      'duty@\u043f\u0440\u0438\u043c\u0435\u0440.com',
      'duty@\u03b5\u03bb\u03bb\u03ac\u03b4\u03b1.com',
      'duty@cert.ch.example',
      'duty@123-456.example',
    ]) {
      assert.equal(findWholeScriptConfusable(address), null, address);
    }
  });
});

for (const dialect of testDialects) {
  describe(`look-alike PoC e-mails on ${dialect}`, () => {
    let t: TestApp;
    let editor: TestAccount;

    const create = (email: string, name: string) =>
      t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        token: editor.token,
        payload: {
          level: 'technical',
          name,
          designation: 'Duty officer',
          organisation: 'GovCERT',
          email,
        },
      });

    before(async () => {
      t = await startTestApp(dialect);
      editor = await t.createAccount('state-editor', { state: 'CH' });
    });
    after(() => t.close());

    it('rejects a mixed-script domain with 422 on email and stores nothing', async () => {
      for (const email of [LOOKALIKE, 'duty@xn--gvcert-wqf.ch.example']) {
        const res = await create(email, 'Homo Glyph');
        assert.equal(res.statusCode, 422, res.body);
        const problem = res.json<{ errors: { field: string; message: string }[] }>();
        const [error] = problem.errors;
        assert.ok(error !== undefined, res.body);
        assert.equal(error.field, 'email');
        assert.match(error.message, /mixes Latin and Cyrillic letters/);
      }
      const stored = await t.ctx.db.selectFrom('pocs').select('id').execute();
      assert.equal(stored.length, 0);
    });

    it('rejects a whole-script look-alike with 422 on email', async () => {
      const res = await create(`psirt@${CYRILLIC_CISCO}.com`, 'Whole Script');
      assert.equal(res.statusCode, 422, res.body);
      const [error] = res.json<{ errors: { field: string; message: string }[] }>().errors;
      assert.equal(error?.field, 'email');
      assert.match(error.message, /Cyrillic letters that read as the Latin "cisco"/);
      const stored = await t.ctx.db.selectFrom('pocs').select('id').execute();
      assert.equal(stored.length, 0);
    });

    it('accepts a domain wholly in Cyrillic', async () => {
      const res = await create('duty@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444', 'Ivan');
      assert.equal(res.statusCode, 201, res.body);
    });
  });
}
