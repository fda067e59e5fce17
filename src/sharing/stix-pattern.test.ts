import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MAX_PATTERN_NESTING, MAX_PATTERN_OPERATORS, parsePattern } from './stix-pattern.ts';
import {
  assertEvaluable,
  buildIndicator,
  buildObservablePattern,
  escapePatternString,
  matchesObservation,
  UnsupportedPatternError,
} from './stix-pattern-build.ts';

describe('parsePattern accepts valid patterns', () => {
  const valid = [
    "[ipv4-addr:value = '203.0.113.9']",
    "[ipv4-addr:value == '203.0.113.9']",
    "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    "[file:name = 'o\\'neill_brief.docx']",
    "[file:name = 'a\\\\b.exe']",
    "[email-message:to_refs[*].value = 'ops@example.org']",
    "[email-message:to_refs[0].value != 'ops@example.org']",
    "[domain-name:value LIKE '%.example.org' OR domain-name:value MATCHES '^evil']",
    "[ipv4-addr:value IN ('198.51.100.1', '198.51.100.2')]",
    '[ipv4-addr:value NOT IN ()]',
    '[file:size > 1024 AND file:size <= +2048]',
    '[x-acme-widget:temperature < -1.5]',
    "[artifact:payload_bin = b'aGVsbG8=']",
    "[file:magic_number_hex = h'ffd8']",
    "[file:created > t'2024-02-29T00:00:00Z']",
    '[EXISTS file:name]',
    "[ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.2']",
    "([ipv4-addr:value = '198.51.100.1'] AND [domain-name:value = 'x.test']) WITHIN 300 SECONDS",
    "[file:name = 'a.exe'] REPEATS 5 TIMES WITHIN 1.5 SECONDS",
    "[file:name = 'a.exe'] START t'2024-01-01T00:00:00Z' STOP t'2024-02-01T00:00:00.5Z'",
    "[network-traffic:dst_ref.value ISSUBSET '198.51.100.0/24']",
    '[process:is_hidden = true]',
  ];
  for (const pattern of valid) {
    it(`parses ${pattern}`, () => {
      const result = parsePattern(pattern);
      assert.equal(result.ok, true, result.ok ? '' : `${result.position}: ${result.message}`);
    });
  }
});

describe('parsePattern rejects invalid patterns with a position', () => {
  const invalid: [string, number, RegExp][] = [
    ["[ipv4-addr:value = '203.0.113.9'", 32, /expected '\]'/],
    ["ipv4-addr:value = '203.0.113.9']", 0, /expected '\['/],
    ["[ipv4-addr:value = 'o'neill']", 27, /unterminated string/],
    ["[file:name = 'unterminated]", 13, /unterminated string/],
    ["[file:name = 'bad \\n escape']", 18, /invalid escape/],
    ["[file:created > t'2024-02-30T00:00:00Z']", 16, /not a real calendar date/],
    ["[file:created > t'2024-13-01T00:00:00Z']", 16, /invalid timestamp literal/],
    ["[file:hashes.SHA-256 = 'x']", 13, /contains a hyphen/],
    ["[file:name = 'a'] WITHIN 0 SECONDS", 25, /positive number/],
    ["[file:name = 'a'] REPEATS 0 TIMES", 26, /positive whole number/],
    ["[file:name ~ 'a']", 11, /unexpected character ~/],
    ["[file:name = 'a' AND ipv4-addr:value = '1.2.3.4']", 1, /one object type/],
    ["[artifact:payload_bin = b'abc']", 24, /invalid binary literal/],
    ["[file:magic_number_hex = h'abc']", 25, /invalid hex literal/],
    ["[file:name = 'a'] AND", 21, /expected '\['/],
    ["[file:name = 'a'] extra", 18, /end of the pattern/],
    ['[file:size > true]', 13, /a literal value/],
    ['[file:name LIKE 5]', 16, /quoted string after LIKE/],
    ['[file:size = 007]', 13, /unexpected character|expected/],
    ['', 0, /expected '\['/],
  ];
  for (const [pattern, position, message] of invalid) {
    it(`rejects ${JSON.stringify(pattern)} at ${position}`, () => {
      const result = parsePattern(pattern);
      assert.equal(result.ok, false);
      assert.match(result.message, message);
      assert.equal(result.position, position);
    });
  }
});

describe('parsePattern limits', () => {
  const comparison = "file:name = 'x'";
  const file = { type: 'file', name: 'x' };

  /** Wraps one observation in `levels` parentheses, the brackets counting as one more level. */
  function parenthesised(levels: number): string {
    return `${'('.repeat(levels)}[${comparison}]${')'.repeat(levels)}`;
  }

  it('parses and matches nesting at the limit', () => {
    const result = parsePattern(parenthesised(MAX_PATTERN_NESTING - 1));
    assert.equal(result.ok, true, result.ok ? '' : result.message);
    assert.ok(result.ok);
    assertEvaluable(result.pattern);
    assert.equal(matchesObservation(result.pattern, file), true);
  });

  it('rejects nesting one level over the limit', () => {
    const result = parsePattern(parenthesised(MAX_PATTERN_NESTING));
    assert.equal(result.ok, false);
    assert.match(result.message, /nested more than 64 levels deep/);
    assert.equal(result.position, MAX_PATTERN_NESTING);
  });

  it('counts parentheses inside brackets', () => {
    const levels = MAX_PATTERN_NESTING;
    const result = parsePattern(`[${'('.repeat(levels)}${comparison}${')'.repeat(levels)}]`);
    assert.equal(result.ok, false);
    assert.match(result.message, /nested more than/);
    assert.equal(result.position, levels);
  });

  it('rejects 2,400 levels without exhausting the stack', () => {
    const result = parsePattern(parenthesised(2400));
    assert.equal(result.ok, false);
    assert.equal(result.position, MAX_PATTERN_NESTING);
  });

  /** Joins `operators + 1` comparisons with OR inside one observation. */
  function joined(operators: number): string {
    return `[${Array.from({ length: operators + 1 }, () => comparison).join(' OR ')}]`;
  }

  it('parses and matches operators at the limit', () => {
    const result = parsePattern(joined(MAX_PATTERN_OPERATORS));
    assert.equal(result.ok, true, result.ok ? '' : result.message);
    assert.ok(result.ok);
    assertEvaluable(result.pattern);
    assert.equal(matchesObservation(result.pattern, file), true);
  });

  it('rejects one operator over the limit', () => {
    const text = joined(MAX_PATTERN_OPERATORS + 1);
    const result = parsePattern(text);
    assert.equal(result.ok, false);
    assert.match(result.message, /more than 1000 AND, OR and FOLLOWEDBY operators/);
    assert.equal(result.position, text.lastIndexOf(' OR ') + 1);
  });

  it('rejects 100,000 OR operators without exhausting the stack', () => {
    const result = parsePattern(joined(100_000));
    assert.equal(result.ok, false);
    assert.match(result.message, /more than 1000/);
  });

  it('counts qualifiers as operators', () => {
    const text = `[${comparison}]${' WITHIN 1 SECONDS'.repeat(MAX_PATTERN_OPERATORS + 1)}`;
    const result = parsePattern(text);
    assert.equal(result.ok, false);
    assert.match(result.message, /operators and qualifiers/);
    assert.equal(result.position, text.lastIndexOf(' WITHIN') + 1);
  });
});

describe('patterns the product writes', () => {
  it('escapes a quote in a file name', () => {
    const pattern = buildObservablePattern({ type: 'file', name: "o'neill_brief.docx" });
    assert.equal(pattern, "[file:name = 'o\\'neill_brief.docx']");
    assert.equal(JSON.stringify(pattern), "\"[file:name = 'o\\\\'neill_brief.docx']\"");
  });

  it('escapes a backslash in a file name', () => {
    const pattern = buildObservablePattern({ type: 'file', name: 'a\\b.exe' });
    assert.equal(pattern, "[file:name = 'a\\\\b.exe']");
  });

  it('escapes the backslash before the quote', () => {
    assert.equal(escapePatternString("\\'"), "\\\\\\'");
  });

  for (const name of ["o'neill_brief.docx", 'a\\b.exe', "\\'both'\\", '%_plain.txt']) {
    it(`re-parses and matches the name ${name}`, () => {
      const indicator = buildIndicator({ type: 'file', name }, '2024-03-05T08:15:30.000Z');
      const parsed = parsePattern(String(indicator.pattern));
      assert.equal(parsed.ok, true);
      assert.equal(matchesObservation(parsed.pattern, { type: 'file', name }), true);
      assert.equal(matchesObservation(parsed.pattern, { type: 'file', name: `${name}x` }), false);
      assert.equal(matchesObservation(parsed.pattern, { type: 'directory', name }), false);
    });
  }
});

describe('matchesObservation', () => {
  function match(pattern: string, object: Record<string, unknown>): boolean {
    const parsed = parsePattern(pattern);
    if (!parsed.ok) throw new Error(parsed.message);

    return matchesObservation(parsed.pattern, object);
  }

  it('matches LIKE with % and _', () => {
    const domain = { type: 'domain-name', value: 'a.example.org' };
    assert.equal(match("[domain-name:value LIKE '_.example.%']", domain), true);
    assert.equal(match("[domain-name:value LIKE '__.example.%']", domain), false);
  });

  it('matches IN and NOT', () => {
    const ip = { type: 'ipv4-addr', value: '198.51.100.2' };
    assert.equal(match("[ipv4-addr:value IN ('198.51.100.1', '198.51.100.2')]", ip), true);
    assert.equal(match("[ipv4-addr:value NOT = '198.51.100.2']", ip), false);
  });

  it('follows list steps with [*]', () => {
    const mail = { type: 'email-message', to_refs: [{ value: 'a@x.test' }, { value: 'b@x.test' }] };
    assert.equal(match("[email-message:to_refs[*].value = 'b@x.test']", mail), true);
    assert.equal(match("[email-message:to_refs[0].value = 'b@x.test']", mail), false);
  });

  it('requires both sides of AND', () => {
    const file = { type: 'file', name: 'a.exe', size: 10 };
    assert.equal(match("[file:name = 'a.exe' AND file:size = 10]", file), true);
    assert.equal(match("[file:name = 'a.exe' AND file:size = 11]", file), false);
  });
});

describe('buildObservablePattern for each observable type', () => {
  const sha256 = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f';
  const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
  const cases: [Parameters<typeof buildObservablePattern>[0], string][] = [
    [{ type: 'ipv4-addr', value: '203.0.113.9' }, "[ipv4-addr:value = '203.0.113.9']"],
    [{ type: 'ipv6-addr', value: '2001:db8::1' }, "[ipv6-addr:value = '2001:db8::1']"],
    [{ type: 'domain-name', value: 'evil.example' }, "[domain-name:value = 'evil.example']"],
    [{ type: 'url', value: "https://x.test/a'b" }, "[url:value = 'https://x.test/a\\'b']"],
    [{ type: 'email-addr', value: 'ops@x.test' }, "[email-addr:value = 'ops@x.test']"],
    [{ type: 'file', hashes: { MD5: md5 } }, `[file:hashes.MD5 = '${md5}']`],
    [
      { type: 'file', hashes: { 'SHA-256': sha256, MD5: md5 } },
      `[file:hashes.MD5 = '${md5}' OR file:hashes.'SHA-256' = '${sha256}']`,
    ],
    [
      { type: 'file', name: 'a.exe', hashes: { 'SHA-1': md5.slice(0, 40), MD5: md5 } },
      `[file:name = 'a.exe' AND (file:hashes.MD5 = '${md5}' OR ` +
        `file:hashes.'SHA-1' = '${md5.slice(0, 40)}')]`,
    ],
  ];
  for (const [observable, expected] of cases) {
    it(`builds ${expected}`, () => {
      assert.equal(buildObservablePattern(observable), expected);
      assert.equal(parsePattern(expected).ok, true);
    });
  }
});

describe('matchesObservation limits', () => {
  function parsed(pattern: string) {
    const result = parsePattern(pattern);
    if (!result.ok) throw new Error(result.message);

    return result.pattern;
  }

  it('orders numbers and timestamps', () => {
    const file = { type: 'file', size: 2048, ctime: '2024-03-05T08:15:30.000Z' };
    assert.equal(matchesObservation(parsed('[file:size > 1024]'), file), true);
    assert.equal(matchesObservation(parsed('[file:size < 1024]'), file), false);
    assert.equal(matchesObservation(parsed("[file:ctime >= t'2024-03-05T08:15:30Z']"), file), true);
    assert.equal(matchesObservation(parsed("[file:ctime > t'2024-03-05T08:15:30Z']"), file), false);
  });

  it('evaluates subnet containment for IPv4 and IPv6', () => {
    const host = { type: 'ipv4-addr', value: '198.51.100.7' };
    const block = { type: 'ipv4-addr', value: '198.51.100.0/28' };
    assert.equal(
      matchesObservation(parsed("[ipv4-addr:value ISSUBSET '198.51.100.0/24']"), host),
      true,
    );
    assert.equal(
      matchesObservation(parsed("[ipv4-addr:value ISSUBSET '198.51.100.0/24']"), block),
      true,
    );
    assert.equal(
      matchesObservation(parsed("[ipv4-addr:value ISSUBSET '203.0.113.0/24']"), host),
      false,
    );
    assert.equal(
      matchesObservation(parsed("[ipv4-addr:value ISSUPERSET '198.51.100.4/30']"), block),
      true,
    );
    assert.equal(
      matchesObservation(parsed("[ipv4-addr:value ISSUPERSET '198.51.100.0/24']"), block),
      false,
    );
    const v6 = { type: 'ipv6-addr', value: '2001:db8::1' };
    assert.equal(
      matchesObservation(parsed("[ipv6-addr:value ISSUBSET '2001:db8::/32']"), v6),
      true,
    );
    assert.equal(
      matchesObservation(parsed("[ipv6-addr:value ISSUBSET '2001:db9::/32']"), v6),
      false,
    );
    assert.equal(
      matchesObservation(parsed("[ipv4-addr:value ISSUBSET '2001:db8::/32']"), host),
      false,
    );
  });

  const unsupported = [
    "[ipv4-addr:value ISSUBSET 'not-a-block']",
    "[file:name = 'a'] FOLLOWEDBY [file:name = 'b']",
    "[file:name = 'a'] AND [file:name = 'b']",
    "[file:name = 'a'] WITHIN 5 SECONDS",
    "[file:name MATCHES '(']",
    "[file:name = 'x'] OR [ipv4-addr:value ISSUBSET '198.51.100.0/33']",
  ];
  for (const pattern of unsupported) {
    it(`rejects ${pattern}`, () => {
      assert.throws(() => {
        assertEvaluable(parsed(pattern));
      }, UnsupportedPatternError);
    });
  }
});
