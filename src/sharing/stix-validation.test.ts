import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkStixObject, checkTimestamp, versionKey } from './stix-validation.ts';

describe('checkTimestamp', () => {
  const valid = [
    '2024-03-05T08:15:30Z',
    '2024-03-05T08:15:30.000Z',
    '2024-03-05T08:15:30.123456789Z',
    '2024-02-29T00:00:00.000Z',
    '2000-02-29T00:00:00Z',
    '2016-12-31T23:59:60Z',
  ];
  for (const value of valid) {
    it(`accepts ${value}`, () => {
      assert.equal(checkTimestamp(value), null);
    });
  }

  const invalid: [string, RegExp][] = [
    ['2024-02-30T00:00:00Z', /not a real calendar date/],
    ['2023-02-29T00:00:00Z', /not a real calendar date/],
    ['1900-02-29T00:00:00Z', /not a real calendar date/],
    ['2024-04-31T00:00:00Z', /not a real calendar date/],
    ['2024-13-01T00:00:00Z', /not a real calendar date/],
    ['2024-00-10T00:00:00Z', /not a real calendar date/],
    ['2024-03-05T24:00:00Z', /not a real time of day/],
    ['2024-03-05T08:60:00Z', /not a real time of day/],
    ['2024-03-05T08:15:30+00:00', /ending in Z/],
    ['2024-03-05 08:15:30Z', /ending in Z/],
    ['2024-03-05T08:15:30.z', /ending in Z/],
    ['2024-03-05T08:15:30.1234567891Z', /more than 9 fraction digits/],
  ];
  for (const [value, problem] of invalid) {
    it(`rejects ${value}`, () => {
      assert.match(checkTimestamp(value) ?? '', problem);
    });
  }

  it('rejects a number', () => {
    assert.match(checkTimestamp(1709626530) ?? '', /must be a timestamp string/);
  });
});

describe('versionKey', () => {
  it('pads the fraction to nanoseconds', () => {
    assert.equal(versionKey('2024-03-05T08:15:30.123456Z'), '2024-03-05T08:15:30.123456000Z');
    assert.equal(versionKey('2024-03-05T08:15:30Z'), '2024-03-05T08:15:30.000000000Z');
  });

  it('gives equal instants the same key', () => {
    assert.equal(versionKey('2024-03-05T08:15:30.1Z'), versionKey('2024-03-05T08:15:30.100Z'));
  });

  it('sorts as text in time order', () => {
    const times = [
      '2024-03-05T08:15:30.9Z',
      '2024-03-05T08:15:30Z',
      '2024-03-05T08:15:30.123456Z',
      '2024-03-05T08:15:30.123Z',
      '2024-03-05T08:15:31Z',
    ];
    const sorted = [...times].sort((a, b) => (versionKey(a) < versionKey(b) ? -1 : 1));
    assert.deepEqual(sorted, [
      '2024-03-05T08:15:30Z',
      '2024-03-05T08:15:30.123Z',
      '2024-03-05T08:15:30.123456Z',
      '2024-03-05T08:15:30.9Z',
      '2024-03-05T08:15:31Z',
    ]);
  });
});

describe('checkStixObject', () => {
  const base = {
    spec_version: '2.1',
    created: '2024-01-01T00:00:00.000Z',
    modified: '2024-01-01T00:00:00.000Z',
  };
  const uuid = '6f1a2c3e-9b7d-4e21-8c55-0d2f4a6b8e91';

  function problemsOf(object: Record<string, unknown>): string {
    const result = checkStixObject(object);

    return result.ok ? '' : result.problems.join('; ');
  }

  const required: [string, Record<string, unknown>, RegExp][] = [
    ['report', { name: 'r', published: base.created }, /object_refs/],
    ['relationship', { relationship_type: 'uses', source_ref: `malware--${uuid}` }, /target_ref/],
    ['sighting', {}, /sighting_of_ref/],
    ['malware', { name: 'm' }, /is_family/],
    ['malware', { is_family: true }, /name \(required when is_family is true\)/],
    ['identity', {}, /name/],
    ['grouping', { object_refs: [`indicator--${uuid}`] }, /context/],
    ['location', {}, /give region, or country, or latitude and longitude/],
    [
      'observed-data',
      { first_observed: base.created, last_observed: base.created, number_observed: 1 },
      /objects, or object_refs/,
    ],
    ['note', { content: 'x' }, /object_refs/],
    ['vulnerability', {}, /name/],
  ];
  for (const [type, properties, problem] of required) {
    it(`requires the properties of ${type}`, () => {
      assert.match(problemsOf({ type, id: `${type}--${uuid}`, ...base, ...properties }), problem);
    });
  }

  it('accepts a malware instance without a name', () => {
    const result = checkStixObject({
      type: 'malware',
      id: `malware--${uuid}`,
      ...base,
      is_family: false,
    });
    assert.equal(result.ok, true);
  });

  it('versions a marking definition by created', () => {
    const result = checkStixObject({
      type: 'marking-definition',
      id: `marking-definition--${uuid}`,
      spec_version: '2.1',
      created: '2024-01-01T00:00:00.000Z',
      definition_type: 'statement',
      definition: { statement: 'x' },
    });
    assert.ok(result.ok);
    assert.equal(result.value.version, '2024-01-01T00:00:00.000Z');
  });

  it('gives an observable no version of its own', () => {
    const result = checkStixObject({
      type: 'domain-name',
      id: `domain-name--${uuid}`,
      value: 'example.org',
    });
    assert.ok(result.ok);
    assert.equal(result.value.version, null);
  });

  it('rejects a spec_version other than 2.1', () => {
    assert.match(
      problemsOf({ type: 'tool', id: `tool--${uuid}`, ...base, name: 't', spec_version: '2.0' }),
      /spec_version: must be "2.1"/,
    );
  });

  it('rejects a malformed reference', () => {
    const problems = problemsOf({
      type: 'tool',
      id: `tool--${uuid}`,
      ...base,
      name: 't',
      created_by_ref: 'acme',
    });
    assert.match(problems, /created_by_ref: must be a STIX identifier/);
  });

  it('rejects a non-TLP id in object_marking_refs', () => {
    const problems = problemsOf({
      type: 'tool',
      id: `tool--${uuid}`,
      ...base,
      name: 't',
      object_marking_refs: [`tool--${uuid}`],
    });
    assert.match(
      problems,
      /object_marking_refs: every entry must be a marking-definition identifier/,
    );
  });

  it('rejects a bundle nested as an object', () => {
    assert.match(
      problemsOf({ type: 'bundle', id: `bundle--${uuid}`, ...base }),
      /a bundle cannot be an object/,
    );
  });

  it('rejects a value that is not an object', () => {
    assert.deepEqual(checkStixObject('indicator'), {
      ok: false,
      problems: ['must be a JSON object'],
    });
  });
});

describe('checkStixObject on indicator patterns', () => {
  const indicator = {
    type: 'indicator',
    spec_version: '2.1',
    id: 'indicator--6f1a2c3e-9b7d-4e21-8c55-0d2f4a6b8e91',
    created: '2024-03-05T08:15:30.000Z',
    modified: '2024-03-05T08:15:30.000Z',
    pattern_type: 'stix',
    valid_from: '2024-03-05T08:15:30Z',
  };

  it('accepts a valid pattern', () => {
    const result = checkStixObject({ ...indicator, pattern: "[ipv4-addr:value = '203.0.113.9']" });
    assert.equal(result.ok, true);
  });

  it('rejects an invalid pattern naming the position', () => {
    const result = checkStixObject({ ...indicator, pattern: "[ipv4-addr:value = '203.0.113.9'" });
    assert.equal(result.ok, false);
    assert.match(result.problems.join('; '), /pattern: invalid STIX pattern at position 32/);
  });

  it('rejects an impossible date inside a pattern', () => {
    const pattern = "[file:created > t'2023-02-29T00:00:00Z']";
    const result = checkStixObject({ ...indicator, pattern });
    assert.equal(result.ok, false);
    assert.match(result.problems.join('; '), /not a real calendar date/);
  });

  it('leaves patterns of other languages to their own tools', () => {
    const result = checkStixObject({ ...indicator, pattern_type: 'sigma', pattern: 'title: x' });
    assert.equal(result.ok, true);
  });
});
