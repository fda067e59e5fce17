import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { z } from 'zod';

import { englishCatalogue } from '../i18n/messages.ts';
import { DomainError } from './errors.ts';
import { parseInput } from './validation.ts';

/** Returns the field errors, in English, that parsing `input` with `schema` raises. */
function fieldErrors(schema: z.ZodType, input: unknown) {
  try {
    parseInput(schema, input);
  } catch (error) {
    assert.ok(error instanceof DomainError);
    return error.fieldErrors(englishCatalogue);
  }
  assert.fail('the input was accepted');
}

describe('validation messages', () => {
  const cases: [string, z.ZodType, unknown, string][] = [
    [
      'long string',
      z.object({ q: z.string().max(200) }),
      { q: 'x'.repeat(201) },
      'must have at most 200 characters',
    ],
    [
      'long array',
      z.object({ q: z.array(z.string()).max(3) }),
      { q: ['a', 'b', 'c', 'd'] },
      'must have at most 3 items',
    ],
    [
      'big number',
      z.object({ q: z.number().max(10_080) }),
      { q: 20_000 },
      'must be at most 10,080',
    ],
    [
      'short string',
      z.object({ q: z.string().min(16) }),
      { q: 'short' },
      'must have at least 16 characters',
    ],
    ['empty string', z.object({ q: z.string().min(1) }), { q: '' }, 'must not be empty'],
    ['small number', z.object({ q: z.number().positive() }), { q: 0 }, 'must be more than 0'],
    [
      'enum',
      z.object({ q: z.enum(['web', 'api']) }),
      { q: 'telepathy' },
      'must be one of web, api',
    ],
    ['literal', z.object({ q: z.literal('alert') }), { q: 'other' }, 'must be alert'],
    ['multiple', z.object({ q: z.number().multipleOf(5) }), { q: 7 }, 'must be a multiple of 5'],
    ['integer', z.object({ q: z.int() }), { q: 1.5 }, 'must be an integer'],
    [
      'regex',
      z.object({ q: z.string().regex(/^[A-Z]{2}$/) }),
      { q: 'x' },
      'must match the pattern /^[A-Z]{2}$/',
    ],
    [
      'e-mail',
      z.object({ q: z.email() }),
      { q: 'x' },
      'must be an e-mail address such as name@example.org',
    ],
    ['missing', z.object({ q: z.string() }), {}, 'is required'],
    ['unknown key', z.strictObject({ q: z.string() }), { q: 'a', r: 1 }, 'is not a known field'],
  ];
  for (const [name, schema, input, message] of cases) {
    it(`writes the ${name} message`, () => {
      const [error] = fieldErrors(schema, input);
      assert.equal(error?.message, message);
    });
  }

  it('lists a repeated message once per field', () => {
    const same = 'must be a whole number of minutes from 0 to 43200 (30 days)';
    const schema = z.object({ minutes: z.number().int(same).max(43_200, same) });
    const errors = fieldErrors(schema, { minutes: 1e308 });
    assert.deepEqual(errors, [{ field: 'minutes', message: same }]);
  });

  it('keeps distinct messages of one field', () => {
    const schema = z.object({ q: z.string().min(3, 'too short').regex(/^\d+$/, 'digits only') });
    const errors = fieldErrors(schema, { q: 'a' });
    assert.equal(errors.length, 2);
  });
});
