import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';

import type { Tables } from '../db/schema.ts';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/crypto.ts';
import { toTransportAddress } from '../shared/email.ts';

/** One plain-text mail to one recipient. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Message-ID header, such as `<id@host>`; the transport makes one when absent. */
  messageId?: string;
}

/** Receipt of a message accepted by the mail server or the outbox. */
export interface SentMail {
  messageId: string;
  /** Transport that took the message: `smtp` or `outbox`. */
  transport: 'smtp' | 'outbox';
}

/** Sends mail; the implementation is SMTP or the `mail_outbox` table. */
export interface Mailer {
  /** Sends one message; rejects when the server refuses it (the error carries `responseCode`). */
  send(message: MailMessage): Promise<SentMail>;
  close(): void;
}

/** Dependencies of a mailer. */
export interface MailerDeps {
  smtpUrl: string | null;
  mailFrom: string;
  db: Kysely<Tables>;
  clock: Clock;
  logger: Logger;
}

/**
 * Returns the SMTP mailer when an SMTP URL is set, otherwise the outbox mailer. Every message
 * goes to its recipient's domain in ASCII (punycode) form, whichever job sends it, so a relay
 * without SMTPUTF8 (RFC 6531) still takes mail for internationalised domains.
 */
export function createMailer(deps: MailerDeps): Mailer {
  const mailer =
    deps.smtpUrl === null ? createOutboxMailer(deps) : createSmtpMailer(deps, deps.smtpUrl);

  return {
    send: (message) => mailer.send({ ...message, to: toTransportAddress(message.to) }),
    close: () => {
      mailer.close();
    },
  };
}

/** Subject text with line breaks replaced, so no value can start a new header line. */
export function toSubjectLine(subject: string): string {
  return subject.replace(/[\r\n]+/g, ' ').trim();
}

function createSmtpMailer(deps: MailerDeps, smtpUrl: string): Mailer {
  // Timeouts stay well below the job lease, so a hung server fails the attempt first.
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  // MAIL_FROM may carry a display name (`Parley <parley@host>`); the envelope takes the address.
  const from = toTransportAddress(/<([^<>]+)>\s*$/.exec(deps.mailFrom)?.[1] ?? deps.mailFrom);
  deps.logger.info({ transport: 'smtp' }, 'mailer ready');

  return {
    async send(message) {
      // nodemailer encodes header values (RFC 2047), so a subject never adds a header. It
      // punycodes header addresses but not the envelope, so the envelope is given explicitly.
      const info = await transport.sendMail({
        from: deps.mailFrom,
        to: message.to,
        envelope: { from, to: [message.to] },
        subject: toSubjectLine(message.subject),
        text: message.text,
        ...(message.messageId === undefined ? {} : { messageId: message.messageId }),
      });

      return { messageId: info.messageId, transport: 'smtp' };
    },
    close() {
      transport.close();
    },
  };
}

function createOutboxMailer(deps: MailerDeps): Mailer {
  deps.logger.info({ transport: 'outbox' }, 'mailer ready');

  return {
    async send(message) {
      const messageId = message.messageId ?? `<${newId()}@parley.outbox>`;
      await deps.db
        .insertInto('mail_outbox')
        .values({
          message_id: messageId,
          to_address: message.to,
          subject: toSubjectLine(message.subject),
          text_body: message.text,
          created_at: deps.clock.now().toISOString(),
        })
        .execute();

      return { messageId, transport: 'outbox' };
    },
    close() {},
  };
}
