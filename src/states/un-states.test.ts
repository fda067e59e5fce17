import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import countries from 'i18n-iso-countries';

import { unStates } from './un-states.ts';

describe('UN state list', () => {
  it('holds 193 members and 2 observers', () => {
    assert.equal(unStates.filter((s) => s[3] === 'member').length, 193);
    assert.deepEqual(
      unStates.filter((s) => s[3] === 'observer').map((s) => s[0]),
      ['PS', 'VA'],
    );
  });

  it('has unique codes that ISO 3166-1 pairs the same way', () => {
    assert.equal(new Set(unStates.map((s) => s[0])).size, unStates.length);
    for (const [alpha2, alpha3] of unStates) {
      assert.equal(countries.alpha2ToAlpha3(alpha2), alpha3, alpha2);
    }
  });

  it('gives every member a UN regional group', () => {
    const missing = unStates.filter((s) => s[3] === 'member' && s[4] === null).map((s) => s[0]);
    assert.deepEqual(missing, []);
  });
});
