import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checksMessages } from './checks.en.ts';
import { directoryMessages } from './directory.en.ts';
import { formatCount, formatPercent, selectPlural } from './format.ts';
import { readinessMessages } from './readiness.en.ts';

describe('locale formatting', () => {
  it('picks the plural form by CLDR category', () => {
    const forms = { one: 'one', few: 'few', many: 'many', other: 'other' };
    assert.equal(selectPlural('en', 1, forms), 'one');
    assert.equal(selectPlural('en', 0, forms), 'other');
    assert.equal(selectPlural('en', 2, forms), 'other');
    // Russian has a separate form for 2 to 4 and one for 5 to 20.
    assert.equal(selectPlural('ru', 3, forms), 'few');
    assert.equal(selectPlural('ru', 5, forms), 'many');
    assert.equal(selectPlural('ru', 21, forms), 'one');
  });

  it('falls back to other for a missing form', () => {
    assert.equal(selectPlural('ru', 3, { one: 'one', other: 'other' }), 'other');
  });

  it('groups digits and formats percentages', () => {
    assert.equal(formatCount('en', 1234), '1,234');
    assert.equal(formatCount('fr', 1234), '1\u202f234');
    assert.equal(formatPercent('en', 0.75), '75%');
    assert.equal(formatPercent('en', 0.745), '75%');
    assert.equal(formatPercent('fr', 0.5), '50\u00a0%');
  });
});

describe('English count messages', () => {
  it('directory summaries agree with the count', () => {
    assert.equal(directoryMessages.matchSummary(1, 'fr'), '1 state matches “fr”.');
    assert.equal(directoryMessages.matchSummary(2, 'fr'), '2 states match “fr”.');
    assert.equal(
      directoryMessages.designatedSummary(150, 1193),
      '150 of 1,193 states have designated points of contact.',
    );
    assert.equal(
      directoryMessages.reminderSubject('FR', 1),
      '[Parley] 1 point-of-contact entry of FR needs confirming',
    );
    assert.equal(
      directoryMessages.reminderSubject('FR', 3),
      '[Parley] 3 point-of-contact entries of FR need confirming',
    );
    assert.equal(directoryMessages.healthStaleEntries(1200), 'Stale entries: 1,200');
  });

  it('check and readiness figures agree with the count', () => {
    assert.equal(checksMessages.summary.minutes(1), '1 minute');
    assert.equal(checksMessages.summary.minutes(90), '90 minutes');
    assert.equal(checksMessages.rateCaption(0.75, 3, 4), '75% (3 of 4)');
    assert.equal(checksMessages.rateCaption(null, 0, 0), '– (0 of 0)');
    assert.equal(
      readinessMessages.statesWithAllLevels(1),
      '1 state has all three levels designated',
    );
    assert.equal(
      readinessMessages.statesWithAlternates(4),
      '4 states have an alternate at every level',
    );
  });
});
