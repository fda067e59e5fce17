import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  findUnsafeLabel,
  findUnsafeSingleLine,
  findUnsafeText,
  isSafeMultiLine,
  isSingleLine,
  SINGLE_LINE,
  toInlineText,
} from './text.ts';

describe('single-line and multi-line text', () => {
  it('refuses line breaks, tabs and other control characters on one line', () => {
    for (const text of [
      'x\r\nBcc: a@b.example',
      'x\nSeverity: 5',
      'a\tb',
      'a\u0000b',
      'a\u0085b',
      'a\u2028b',
    ]) {
      assert.equal(isSingleLine(text), false, JSON.stringify(text));
    }
    assert.equal(isSingleLine('Énergie, transport (CH)'), true);
    assert.equal(findUnsafeText('x\r\ny'), SINGLE_LINE);
    assert.equal(findUnsafeText('x\u0007y'), SINGLE_LINE);
  });

  it('refuses bidirectional overrides and invisible characters on one line', () => {
    for (const text of ['invoice\u202Eexe.pdf', 'a\u2066b\u2069', 'gov\u200Bcert', 'a\uFEFF']) {
      assert.equal(isSingleLine(text), false, JSON.stringify(text));
    }
    assert.equal(
      findUnsafeText('gov\u200Bcert'),
      'must not contain invisible characters such as zero-width spaces',
    );
    assert.equal(
      findUnsafeText('first\ngov\u200Bcert', true),
      'must not contain invisible characters such as zero-width spaces',
    );
    // Persian needs the zero-width non-joiner, so it stays allowed.
    assert.equal(isSingleLine('\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645'), true);
  });

  it('rejects hidden code points on one line', () => {
    const cases = [
      ['Phish\u00ADing', 'U+00AD'],
      ['a\u200Fb', 'U+200F'],
      ['a\u3164b', 'U+3164'],
      ['a\uFE0Fb', 'U+FE0F'],
      ['a\u{E0041}', 'U+E0041'],
      ['a\u2800b', 'U+2800'],
      ['a\uE000', 'U+E000'],
      ['a\u{10FFFD}', 'U+10FFFD'],
      ['a\uFDEF', 'U+FDEF'],
      ['a\u{1FFFF}', 'U+1FFFF'],
    ] as const;
    for (const [text, codePoint] of cases) {
      const problem = findUnsafeSingleLine(text);
      assert.ok(problem?.includes(codePoint), `${codePoint}: ${problem}`);
      assert.equal(findUnsafeLabel(text), problem, codePoint);
    }
    assert.equal(findUnsafeSingleLine('x\r\ny'), SINGLE_LINE);
    assert.equal(findUnsafeSingleLine('\u200D'), 'must contain visible characters');
  });

  it('keeps joiners and emoji sequences on one line', () => {
    for (const text of [
      '\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645',
      '\u0915\u094D\u200D\u0937',
      '👨\u200D👩\u200D👧',
      '❤\uFE0F',
      '葛\u{E0100}',
      '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}',
      'עדכון אבטחה',
    ]) {
      assert.equal(findUnsafeSingleLine(text), null, JSON.stringify(text));
    }
    // Unlike a label, free text needs no letter or digit.
    assert.equal(findUnsafeSingleLine('🔥 ???'), null);
    assert.equal(findUnsafeLabel('🔥 ???'), 'must contain at least one letter or digit');
  });

  it('keeps line breaks and tabs in multi-line text but no other control character', () => {
    assert.equal(isSafeMultiLine('first\r\nsecond\n\tthird'), true);
    assert.equal(isSafeMultiLine('bell\u0007'), false);
    assert.equal(isSafeMultiLine('escape\u001b[31m'), false);
  });

  it('turns every line break into a space for one line of a mail', () => {
    assert.equal(toInlineText('x\r\nBcc: a@b.example'), 'x  Bcc: a@b.example');
    assert.equal(toInlineText('a\u2028b\u0000c'), 'a b c');
  });
});
