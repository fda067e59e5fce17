import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the test SMTP server accepted. */
export interface ReceivedMail {
  envelopeFrom: string;
  /** Parameters of MAIL FROM, such as `{ SMTPUTF8: true }`. */
  mailFromArgs: Record<string, unknown>;
  envelopeTo: string[];
  mail: ParsedMail;
}

/** Settings of the test SMTP server. */
export interface TestSmtpOptions {
  /** Addresses whose RCPT TO gets a permanent 550. */
  rejected?: ReadonlySet<string>;
  /** Wait before accepting each message, in milliseconds, to slow a fan-out down. */
  delayMs?: number;
  /** Leaves SMTPUTF8 (RFC 6531) out of the EHLO reply, as a strict relay does. */
  hideSmtpUtf8?: boolean;
}

/** Starts an SMTP server on 127.0.0.1 that parses and keeps every message it accepts. */
export async function startTestSmtpServer(options: TestSmtpOptions = {}) {
  const received: ReceivedMail[] = [];
  const rejected = options.rejected ?? new Set<string>();
  // The server turns punycode domains back into Unicode before any handler sees them, so the
  // envelope exactly as sent is read from the command log.
  const commands: string[] = [];
  const keepCommand = (meta: { tnx?: string }, ...parts: unknown[]) => {
    if (meta.tnx === 'command') commands.push(parts.slice(1).map(String).join(' '));
  };
  const ignore = () => undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: { debug: keepCommand, info: ignore, warn: ignore, error: ignore, trace: ignore },
    size: 10 * 1024 * 1024,
    hideSMTPUTF8: options.hideSmtpUtf8 ?? false,
    onRcptTo(address, _session, callback) {
      if (rejected.has(address.address)) {
        callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      } else {
        callback();
      }
    },
    onData(stream, session, callback) {
      const envelopeTo = session.envelope.rcptTo.map((rcpt) => rcpt.address);
      const mailFrom = session.envelope.mailFrom;
      const envelopeFrom = mailFrom === false ? '' : mailFrom.address;
      const mailFromArgs = mailFrom === false ? {} : { ...(mailFrom.args || {}) };
      simpleParser(stream)
        .then(async (mail) => {
          if (options.delayMs !== undefined) await sleep(options.delayMs);
          received.push({ envelopeFrom, mailFromArgs, envelopeTo, mail });
          callback();
        })
        .catch(callback);
    },
  });
  // A client killed mid-session resets its connection; that is expected in crash tests.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Every command line clients sent, as sent (`MAIL FROM:<a@b> SMTPUTF8`, `RCPT TO:<c@d>`). */
    commands,
    /** Returns the messages sent to one address. */
    to(email: string) {
      return received.filter((r) => r.envelopeTo.includes(email));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A running test SMTP server. */
export type TestSmtpServer = Awaited<ReturnType<typeof startTestSmtpServer>>;
