import { isIPv6 } from 'node:net';
import { z } from 'zod';

import { defaultResponseMinutes, parseResponseMinutes } from '../alerts/response-times.ts';
import {
  findCatalogueLocale,
  processMessages,
  PSEUDO_LOCALE,
  translatedLocales,
} from '../i18n/messages.ts';
import { DomainError } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { checkAllowedHostEntry } from '../webhooks/webhook-target.ts';

const ConfigSchema = z.object({
  DATABASE_URL: z.string().min(1).default('./data/parley.db'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Parley <parley@localhost>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_MB: z.coerce.number().positive().default(64),
  DEMO_DATA: z.enum(['auto', 'off']).default('auto'),
  LOCALE: z
    .string()
    .default('en')
    .refine(
      (locale) => findCatalogueLocale(locale) !== null,
      `must be a language with a catalogue: ${[...translatedLocales, PSEUDO_LOCALE].join(', ')}`,
    ),
  STALE_AFTER_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  ALERT_RESPONSE_MINUTES: z
    .string()
    .optional()
    .refine(
      (text) => text === undefined || text === '' || parseResponseMinutes(text) !== null,
      'must list severity:minutes pairs such as 5:15,4:60,3:240,2:1440 (0 minutes: no deadline)',
    ),
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .superRefine((entries, ctx) => {
      for (const entry of entries) {
        const problem = checkAllowedHostEntry(entry);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      }
    }),
});

/** Process settings read from the environment. */
export interface Config {
  databaseUrl: string;
  host: string;
  port: number;
  /** Base URL used in links that leave the server (mail); defaults to http://HOST:PORT. */
  publicUrl: string;
  smtpUrl: string | null;
  mailFrom: string;
  logLevel: string;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  demoData: boolean;
  /** Days after its last confirmation at which a PoC entry is marked stale. */
  staleAfterDays: number;
  /** Minutes to acknowledge an alert by severity; null means no deadline. */
  alertResponseMinutes: Readonly<Record<number, number | null>>;
  /**
   * Host names, IP addresses and CIDR ranges that webhooks may call although they are loopback,
   * private or otherwise internal. Empty by default: webhooks call only public addresses.
   */
  webhookAllowedHosts: readonly string[];
  /**
   * Tag of the catalogue for readers whose language has none, and for mail to recipients
   * without a preferred language (LOCALE, default `en`).
   */
  locale: string;
  /**
   * Tags of the catalogues that readers may choose, the default first. The pseudo-locale en-XA
   * is among them only when it is the default, or when a test adds it.
   */
  offeredLocales: readonly string[];
}

/** Lists the catalogues a server offers: its default first, then the other translations. */
function listOfferedLocales(locale: string): string[] {
  return [locale, ...translatedLocales.filter((tag) => tag !== locale)];
}

/** Reads and validates settings from environment variables. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = parseInput(ConfigSchema, env, 'environment');
  // An IPv6 address goes in brackets in a URL (RFC 3986), so HOST=::1 gives http://[::1]:3000.
  const host = isIPv6(raw.HOST) ? `[${raw.HOST}]` : raw.HOST;
  const publicUrl = raw.PUBLIC_URL ?? `http://${host}:${raw.PORT}`;
  const locale = findCatalogueLocale(raw.LOCALE) ?? 'en';

  return {
    databaseUrl: raw.DATABASE_URL,
    host: raw.HOST,
    port: raw.PORT,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    smtpUrl: raw.SMTP_URL !== undefined && raw.SMTP_URL !== '' ? raw.SMTP_URL : null,
    mailFrom: raw.MAIL_FROM,
    logLevel: raw.LOG_LEVEL,
    bodyLimit: Math.round(raw.BODY_LIMIT_MB * 1024 * 1024),
    demoData: raw.DEMO_DATA === 'auto',
    staleAfterDays: raw.STALE_AFTER_DAYS,
    alertResponseMinutes:
      raw.ALERT_RESPONSE_MINUTES === undefined || raw.ALERT_RESPONSE_MINUTES === ''
        ? defaultResponseMinutes
        : (parseResponseMinutes(raw.ALERT_RESPONSE_MINUTES) ?? defaultResponseMinutes),
    webhookAllowedHosts: raw.WEBHOOK_ALLOWED_HOSTS,
    locale,
    offeredLocales: listOfferedLocales(locale),
  };
}

/**
 * Runs a loader of process settings and returns its result. When a variable is invalid, it
 * returns one line per invalid variable that names it and the fix instead. Other errors are
 * thrown.
 */
export function readSettings<T>(load: () => T): { settings: T } | { errors: string[] } {
  try {
    return { settings: load() };
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'validation_failed') throw error;
    const lines = error
      .fieldErrors(processMessages)
      .map(({ field, message }) => processMessages.problems.http.invalidVariable(field, message));

    return { errors: lines };
  }
}
