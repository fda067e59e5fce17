import type { MailMessage } from '../mail/mailer.ts';
import { isTlpLevel, tlpLabel, type TlpLevel } from '../sharing/tlp.ts';
import { severityLabel } from './alerts.schema.ts';

// Sharing rules of TLP 2.0 (FIRST), as they apply on this platform.
const tlpRules: Record<TlpLevel, string> = {
  clear: 'Recipients may share this with anyone.',
  green: 'Recipients may share this within the Parley community, but not publicly.',
  amber: 'Recipients may share this within their organisation and its clients, need-to-know.',
  'amber+strict': 'Recipients may share this only within their organisation, need-to-know.',
  red: 'For the named recipients only: do not share it with anyone.',
};

/** The line that opens and closes every message about a drill. */
export const EXERCISE_BANNER = 'EXERCISE EXERCISE EXERCISE: this is a drill, not a real alert.';

/** The alert fields a mail shows. */
export interface AlertMailContent {
  title: string;
  severity: number;
  tlp: string;
  body: string;
  objectIds: string[];
  senderState: string | null;
  createdAt: string;
  exercise?: boolean;
  responseDueAt?: string | null;
}

/** An alert mail with the subject to use when its text is encrypted. */
export interface ComposedAlertMail extends MailMessage {
  /** Subject without the title, because an OpenPGP mail leaves its subject unencrypted. */
  encryptedSubject: string;
}

/**
 * Builds the mail of one alert for one recipient, with the personal acknowledgement link. A drill
 * says EXERCISE in the subject and at the start and end of the text.
 */
export function composeAlertMail(
  publicUrl: string,
  to: string,
  alert: AlertMailContent,
  ackToken: string,
  isReminder = false,
): ComposedAlertMail {
  const tlp = isTlpLevel(alert.tlp) ? alert.tlp : 'red';
  const label = tlpLabel(tlp);
  const severity = severityLabel(alert.severity);
  const link = `${publicUrl}/alerts/ack/${encodeURIComponent(ackToken)}`;
  const isExercise = alert.exercise === true;
  const objects =
    alert.objectIds.length === 0 ? [] : [`STIX objects: ${alert.objectIds.join(', ')}`];
  const due = alert.responseDueAt == null ? [] : [`Please acknowledge by: ${alert.responseDueAt}`];
  const reminder = isReminder ? ['REMINDER: you have not acknowledged this alert yet.', ''] : [];
  const banner = isExercise ? [EXERCISE_BANNER, ''] : [];
  const text = [
    ...banner,
    ...reminder,
    `${label}. ${tlpRules[tlp]}`,
    '',
    `Alert: ${alert.title}`,
    `Severity: ${severity}`,
    `From: ${alert.senderState ?? 'the secretariat'}`,
    `Sent: ${alert.createdAt}`,
    ...due,
    ...objects,
    '',
    alert.body,
    '',
    'Acknowledge receipt (the link is personal, do not forward this mail):',
    link,
    '',
    label,
    ...(isExercise ? ['', EXERCISE_BANNER] : []),
  ].join('\n');
  const prefix = [
    '[Parley]',
    ...(isExercise ? ['[EXERCISE]'] : []),
    ...(isReminder ? ['[Reminder]'] : []),
    `[${label}]`,
    `[Severity ${severity}]`,
  ].join(' ');

  return {
    to,
    subject: `${prefix} ${alert.title}`,
    encryptedSubject: `${prefix} Encrypted alert`,
    text,
  };
}
