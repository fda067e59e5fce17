/** English text of the errors that exercises return. */
export const exercisesProblems = {
  secretariatOnly: 'Only the secretariat may run exercises',
  exerciseNotFound: 'Exercise not found',
  injectNotFound: 'Inject not found',
  /** `clearance` is the TLP level in capitals, such as AMBER. */
  partnerClearance: (id: string, clearance: string) =>
    `${id} is cleared only up to TLP:${clearance}; lower the injects' TLP or remove it`,
  /** `status` is the exercise status: planned, running or ended. */
  notPlanned: (status: string) => `The exercise is ${status}, not planned`,
  notRunning: (status: string) => `The exercise is ${status}, not running`,
  bundleWithoutObjects: 'must contain at least one STIX object besides TLP definitions',
} as const;
