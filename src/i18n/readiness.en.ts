import { formatCount, selectPlural } from './format.ts';

const locale = 'en';
const count = (value: number) => formatCount(locale, value);

/** English text of the readiness dashboard. */
export const readinessMessages = {
  title: 'Readiness',
  stateTitle: (stateName: string) => `Readiness of ${stateName}`,
  noClosedCheck: 'No closed check yet.',
  levelsDesignated: 'Levels designated',
  levelsWithAlternate: 'Levels with alternate',
  freshEntries: 'Fresh entries',
  lastCheckAnswered: 'Last check answered',
  /** A count of the three levels, for example `2 of 3`. */
  ofLevels: (levels: number) => `${count(levels)} of ${count(3)}`,
  /** A count of the three levels in a table cell, for example `2/3`. */
  levelsCell: (levels: number) => `${count(levels)}/${count(3)}`,
  indexLine: (index: string, exercisesJoined: number) =>
    `Readiness index ${index}; exercises joined: ${count(exercisesJoined)}`,
  chartOfState: (stateCode: string) => `Readiness of ${stateCode}`,
  recentChecks: 'Response rate in recent checks',
  recentChecksAllStates: 'Response rate in recent checks, all states',
  regionCaption: (meanIndex: string, allLevels: number, states: number) =>
    `${meanIndex}; ${count(allLevels)} of ${count(states)} with all levels`,
  indexByRegion: 'Mean readiness index per UN regional group',
  statesWithAnyPoc: (withPoc: number, states: number) =>
    `${count(withPoc)} of ${count(states)} states list at least one PoC`,
  statesWithAllLevels: (states: number) =>
    selectPlural(locale, states, {
      one: `${count(states)} state has all three levels designated`,
      other: `${count(states)} states have all three levels designated`,
    }),
  statesWithAlternates: (states: number) =>
    selectPlural(locale, states, {
      one: `${count(states)} state has an alternate at every level`,
      other: `${count(states)} states have an alternate at every level`,
    }),
  meanFreshness: (share: string) => `Mean share of fresh entries: ${share}`,
  table: {
    caption: 'Readiness per state',
    state: 'State',
    levels: 'Levels',
    alternates: 'Alternates',
    fresh: 'Fresh',
    lastCheck: 'Last check',
    exercises: 'Exercises',
    index: 'Index',
  },
} as const;
