/** Source of the current time, injectable so tests can move it. */
export interface Clock {
  now(): Date;
}

/** Clock that reads the system time. */
export const systemClock: Clock = { now: () => new Date() };

/** Returns the current time as a fixed-width UTC ISO string, sortable as text. */
export function nowIso(clock: Clock): string {
  return clock.now().toISOString();
}
