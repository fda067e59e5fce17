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
 * given (0 meaning none), otherwise the deployment's default for the severity.
 */
export function responseMinutesFor(
  severity: number,
  override: number | undefined,
  defaults: Readonly<Record<number, number | null>> = defaultResponseMinutes,
): number | null {
  if (override !== undefined) return override === 0 ? null : override;

  return defaults[severity] ?? null;
}

/**
 * Parses `ALERT_RESPONSE_MINUTES`, such as `5:15,4:60,3:240,2:1440`: severity and minutes per
 * entry, 0 minutes meaning no deadline. Severities not named keep their default. Returns null
 * when the text is malformed.
 */
export function parseResponseMinutes(text: string): Record<number, number | null> | null {
  const result: Record<number, number | null> = { ...defaultResponseMinutes };
  for (const entry of text.split(',').map((part) => part.trim())) {
    const match = /^([0-5]):(\d{1,5})$/.exec(entry);
    if (match === null) return null;
    const minutes = Number(match[2]);
    result[Number(match[1])] = minutes === 0 ? null : minutes;
  }

  return result;
}
