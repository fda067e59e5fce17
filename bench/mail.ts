import { rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

import pino from 'pino';
import { SMTPServer } from 'smtp-server';

import { createAccount } from '../src/accounts/accounts.service.ts';
import { toPrincipal } from '../src/accounts/accounts.service.ts';
import { createAlert } from '../src/alerts/alerts.service.ts';
import { createContext } from '../src/app/context-factory.ts';
import { loadConfig } from '../src/config/config.ts';
import { createJobWorker } from '../src/jobs/job-registry.ts';
import { newId } from '../src/shared/crypto.ts';

/** Result of one run: time from the alert's creation until the SMTP server accepted every mail. */
export interface MailBenchResult {
  mails: number;
  /** Time until the server accepted the last mail, in milliseconds. */
  allAcceptedMs: number;
  mailsPerSecond: number;
  /** Job worker slots, which bound the mails in flight. */
  concurrency: number;
}

/** Starts an SMTP server on 127.0.0.1 that accepts every message and only counts them. */
async function startCountingSmtpServer(onMessage: () => void) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        onMessage();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

/**
 * Seeds `count` PoCs in a fresh SQLite file in /tmp, creates one GREEN alert to all of them and
 * runs the job worker (the same one `src/main.ts` starts) until the local SMTP server has
 * accepted every mail.
 */
export async function benchMail(count = 1000, concurrency = 4, timeoutMs = 60_000) {
  const path = `/tmp/parley-bench-mail-${newId()}.db`;
  let accepted = 0;
  let resolveAll: () => void = () => undefined;
  const allAccepted = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  const smtp = await startCountingSmtpServer(() => {
    accepted += 1;
    if (accepted === count) resolveAll();
  });
  const config = {
    ...loadConfig({ DATABASE_URL: path, LOG_LEVEL: 'silent', SMTP_URL: smtp.url }),
    demoData: false,
  };
  const ctx = await createContext(config, pino({ level: 'silent' }));
  const worker = createJobWorker(ctx, { concurrency, pollIntervalMs: 20, recurring: [] });

  try {
    const now = ctx.clock.now().toISOString();
    const pocs = Array.from({ length: count }, (_, i) => ({
      id: newId(),
      state_code: 'FR',
      level: 'technical',
      name: `Contact ${i}`,
      designation: 'Duty officer',
      organisation: 'CERT FR',
      email: `poc-${i}@bench.test`,
      email_key: `poc-${i}@bench.test`,
      phone: null,
      created_at: now,
      updated_at: now,
      created_by: null,
      updated_by: null,
    }));
    for (let i = 0; i < pocs.length; i += 400) {
      await ctx.db
        .insertInto('pocs')
        .values(pocs.slice(i, i + 400))
        .execute();
    }
    const sender = await createAccount(ctx, {
      email: 'sender@bench.test',
      role: 'secretariat',
      password: 'bench-password-long-enough',
    });

    const start = performance.now();
    await createAlert(ctx, toPrincipal(sender), {
      title: 'Mail benchmark',
      severity: 3,
      tlp: 'green',
      body: 'Load test.',
      objectIds: [],
      states: [],
      accounts: [],
      levels: [],
      partners: false,
      organisations: [],
      exercise: false,
    });
    worker.start();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([allAccepted, timeout]);
    const elapsed = performance.now() - start;

    return {
      mails: accepted,
      allAcceptedMs: Math.round(elapsed),
      mailsPerSecond: Math.round((accepted / elapsed) * 1000),
      concurrency,
    } satisfies MailBenchResult;
  } finally {
    await worker.stop();
    await ctx.bus.close();
    ctx.mailer.close();
    await ctx.database.close();
    await smtp.close();
    await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(path + suffix, { force: true })));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchMail()));
}
