import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DomainError } from './errors.ts';
import { hasOnlyWeakTags, matchesIfMatch, parseIfMatch } from './if-match.ts';

describe('If-Match parsing', () => {
  it('returns null without the header', () => {
    assert.equal(parseIfMatch(undefined), null);
  });

  it('reads * as any representation', () => {
    assert.deepEqual(parseIfMatch('*'), { kind: 'any' });
    assert.deepEqual(parseIfMatch(' \t* '), { kind: 'any' });
  });

  it('reads a list of strong and weak tags', () => {
    assert.deepEqual(parseIfMatch('"1", W/"2",\t"x,y"'), {
      kind: 'tags',
      tags: [
        { weak: false, opaque: '"1"' },
        { weak: true, opaque: '"2"' },
        { weak: false, opaque: '"x,y"' },
      ],
    });
  });

  it('skips empty list elements', () => {
    assert.deepEqual(parseIfMatch(', "1" ,, "2",'), {
      kind: 'tags',
      tags: [
        { weak: false, opaque: '"1"' },
        { weak: false, opaque: '"2"' },
      ],
    });
  });

  it('accepts an empty tag and obs-text', () => {
    assert.deepEqual(parseIfMatch('""'), { kind: 'tags', tags: [{ weak: false, opaque: '""' }] });
    const latin1 = '"caf\u00e9"';
    assert.deepEqual(parseIfMatch(latin1), {
      kind: 'tags',
      tags: [{ weak: false, opaque: latin1 }],
    });
  });

  for (const value of [
    '',
    ' , ',
    '1',
    '"1',
    '"1" "2"',
    '"1";x',
    'w/"1"',
    'W/1',
    '"a b"',
    '"a\u0001"',
    '"\u0100"',
    '*, "1"',
    '**',
  ]) {
    it(`rejects ${JSON.stringify(value)} naming If-Match`, () => {
      assert.throws(
        () => parseIfMatch(value),
        (error: unknown) => {
          assert.ok(error instanceof DomainError);
          assert.equal(error.code, 'invalid_request');
          assert.equal(error.fields[0]?.field, 'If-Match');
          return true;
        },
      );
    });
  }
});

describe('If-Match evaluation', () => {
  it('matches any tag for *', () => {
    assert.equal(matchesIfMatch({ kind: 'any' }, '"7"'), true);
  });

  it('matches a listed strong tag only', () => {
    const condition = parseIfMatch('"6", "7"');
    assert.ok(condition);
    assert.equal(matchesIfMatch(condition, '"7"'), true);
    assert.equal(matchesIfMatch(condition, '"8"'), false);
  });

  it('never matches a weak tag', () => {
    const condition = parseIfMatch('W/"7"');
    assert.ok(condition);
    assert.equal(matchesIfMatch(condition, '"7"'), false);
    assert.equal(hasOnlyWeakTags(condition), true);
    const mixed = parseIfMatch('W/"7", "8"');
    assert.ok(mixed);
    assert.equal(hasOnlyWeakTags(mixed), false);
    assert.equal(hasOnlyWeakTags({ kind: 'any' }), false);
  });
});
