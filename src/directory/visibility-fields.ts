// The workspace bundle imports this module too, so it contains plain values and no server imports.

/** PoC fields whose visibility each state chooses, in the order the settings page lists them. */
export const visibilityFields = [
  'name',
  'designation',
  'organisation',
  'email',
  'phone',
  'emergencyPhone',
  'languages',
  'timeZone',
  'hours',
  'pgpKey',
] as const;

/** A PoC field whose visibility a state chooses. */
export type VisibilityField = (typeof visibilityFields)[number];

/** The audiences a state may give a field. */
export const visibilityChoices = ['public', 'members'] as const;

/** Audience of a field: everyone, or signed-in members only. */
export type Visibility = (typeof visibilityChoices)[number];
