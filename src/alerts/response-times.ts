// TODO: read these defaults from the server configuration; today a deployment can change a
// deadline only per alert, with `responseMinutes`.
/**
 * Minutes a recipient has to acknowledge an alert, by severity (5 Emergency to 0 Baseline).
 * Severity 1 and 0 have no deadline, so nobody is reminded or escalated for them.
 */
export const defaultResponseMinutes: Readonly<Record<number, number | null>> = {
  5: 15,
  4: 60,
  3: 4 * 60,
  2: 24 * 60,
  1: null,
  0: null,
};

/**
 * Returns the response time of an alert in minutes, or null for none: the sender's value when
 * given (0 meaning none), otherwise the default of the severity.
 */
export function responseMinutesFor(severity: number, override: number | undefined): number | null {
  if (override !== undefined) return override === 0 ? null : override;

  return defaultResponseMinutes[severity] ?? null;
}
