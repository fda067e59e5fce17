import type { MailMessage } from '../mail/mailer.ts';
import { allCatalogues, type Catalogue } from '../i18n/messages.ts';
import { isTlpLevel, tlpLabel, tlpRank } from '../sharing/tlp.ts';
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

/** Builds the subject before the title: site, EXERCISE and reminder marks, TLP and severity. */
function subjectPrefix(
  catalogue: Catalogue,
  label: string,
  severity: string,
  isExercise: boolean,
  isReminder: boolean,
) {
  const m = catalogue.alerts;

  return [
    m.mail.subjectSite,
    ...(isExercise ? [m.mail.subjectExercise] : []),
    ...(isReminder ? [m.mail.subjectReminder] : []),
    `[${label}]`,
    m.mail.subjectSeverity(severity),
  ].join(' ');
}

/**
 * Returns true when an alert's content may go out only encrypted to a recipient with a key:
 * TLP:AMBER, TLP:AMBER+STRICT and TLP:RED. An unknown level counts as RED.
 */
export function requiresEncryption(tlp: string): boolean {
  return !isTlpLevel(tlp) || tlpRank(tlp) >= tlpRank('amber');
}

/**
 * Builds the notice sent in place of a TLP:AMBER or stricter alert when encryption to the
 * recipient's key failed, in the language of `catalogue`: no title and no content, only the TLP
 * label, the reason and the personal acknowledgement link, whose page asks the recipient to sign
 * in to read the alert.
 */
export function composeWithheldNotice(
  catalogue: Catalogue,
  publicUrl: string,
  to: string,
  alert: AlertMailContent,
  ackToken: string,
  reason: string,
  isReminder = false,
): MailMessage {
  const m = catalogue.alerts;
  const tlp = isTlpLevel(alert.tlp) ? alert.tlp : 'red';
  const label = tlpLabel(tlp);
  const isExercise = alert.exercise === true;
  const banner = isExercise ? [m.exerciseBanner, ''] : [];
  const link = `${publicUrl}/alerts/ack/${encodeURIComponent(ackToken)}`;
  const text = [
    ...banner,
    m.mail.tlpLine(label, m.tlpRules[tlp]),
    '',
    m.mail.withheldIntro,
    m.mail.withheldReason(toInlineText(reason)),
    '',
    m.mail.withheldLink,
    link,
    '',
    label,
    ...(isExercise ? ['', m.exerciseBanner] : []),
  ].join('\n');
  const severity = formatSeverity(catalogue, alert.severity);
  const prefix = subjectPrefix(catalogue, label, severity, isExercise, isReminder);

  return { to, subject: `${prefix} ${m.mail.withheldTitle}`, text };
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
  const prefix = subjectPrefix(catalogue, label, severity, isExercise, isReminder);

  return {
    to,
    subject: `${prefix} ${isExercise ? withoutExerciseMark(alert.title) : alert.title}`,
    encryptedSubject: `${prefix} ${m.mail.encryptedTitle}`,
    text,
  };
}
