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
  /** Messages of the request schema's own checks. */
  fields: {
    offsetMinutes: 'must be whole minutes after the start, from 0 to 10,080 (7 days)',
    windowMinutes: 'must be whole minutes to respond, from 5 to 10,080 (7 days)',
    bundleRequired: 'is required for kind bundle',
    bundleOnly: 'is allowed only for kind bundle',
    statesMissing: 'name at least one participating state',
    injectsAtMost: 'may list at most 100 injects',
  },
} as const;
