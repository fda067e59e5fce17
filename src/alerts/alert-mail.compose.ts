import type { MailMessage } from '../mail/mailer.ts';
import { allCatalogues, type Catalogue } from '../i18n/messages.ts';
import { isTlpLevel, tlpLabel } from '../sharing/tlp.ts';
import { toInlineText } from '../shared/text.ts';

/**
 * Returns a title without the exercise mark in front, which the titles of exercise injects carry.
 * A mail subject puts the mark in its own prefix instead, so it shows the mark exactly once. The
 * title was stored in the server's language, which may differ from the mail's, so the mark of
 * every catalogue is removed.
 */
export function withoutExerciseMark(title: string): string {
  for (const catalogue of allCatalogues) {
    const mark = catalogue.exercises.subject('');
    if (title.startsWith(mark)) return title.slice(mark.length);
  }

  return title;
}

/** Formats a severity for people in the catalogue's language, for example `3 High`. */
export function formatSeverity(catalogue: Catalogue, severity: number): string {
  const m = catalogue.alerts;

  return m.severityLabel(severity, m.severityNames[severity] ?? m.unknownSeverity);
}

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
 * Builds the mail of one alert for one recipient in the language of `catalogue`, with the
 * personal acknowledgement link. A drill shows EXERCISE in the subject and at the start and end
 * of the text.
 */
export function composeAlertMail(
  catalogue: Catalogue,
  publicUrl: string,
  to: string,
  alert: AlertMailContent,
  ackToken: string,
  isReminder = false,
): ComposedAlertMail {
  const m = catalogue.alerts;
  const tlp = isTlpLevel(alert.tlp) ? alert.tlp : 'red';
  const label = tlpLabel(tlp);
  const severity = formatSeverity(catalogue, alert.severity);
  const link = `${publicUrl}/alerts/ack/${encodeURIComponent(ackToken)}`;
  const isExercise = alert.exercise === true;
  const objects = alert.objectIds.length === 0 ? [] : [m.mail.stixObjects(alert.objectIds)];
  const due = alert.responseDueAt == null ? [] : [m.mail.acknowledgeBy(alert.responseDueAt)];
  const reminder = isReminder ? [m.mail.reminder, ''] : [];
  const banner = isExercise ? [m.exerciseBanner, ''] : [];
  const text = [
    ...banner,
    ...reminder,
    m.mail.tlpLine(label, m.tlpRules[tlp]),
    '',
    m.mail.alert(toInlineText(alert.title)),
    m.mail.severity(severity),
    m.mail.from(alert.senderState ?? m.theSecretariat),
    m.mail.sent(alert.createdAt),
    ...due,
    ...objects,
    '',
    alert.body,
    '',
    m.mail.acknowledgeLink,
    link,
    '',
    label,
    ...(isExercise ? ['', m.exerciseBanner] : []),
  ].join('\n');
  const prefix = [
    m.mail.subjectSite,
    ...(isExercise ? [m.mail.subjectExercise] : []),
    ...(isReminder ? [m.mail.subjectReminder] : []),
    `[${label}]`,
    m.mail.subjectSeverity(severity),
  ].join(' ');

  return {
    to,
    subject: `${prefix} ${isExercise ? withoutExerciseMark(alert.title) : alert.title}`,
    encryptedSubject: `${prefix} ${m.mail.encryptedTitle}`,
    text,
  };
}
