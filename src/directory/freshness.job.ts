import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { defineJobKind, type JobCounts } from '../jobs/job-kind.ts';
import { enqueueJob } from '../jobs/jobs.service.ts';
import { isStale } from './poc-fields.ts';
import { recipientCatalogue } from '../i18n/locale-choice.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Payload of one reminder mail to one state editor. */
export const StaleReminderPayload = z.object({
  accountId: z.string(),
  state: z.string().length(2),
  period: z.number().int().nonnegative(),
});

/** Mails one state editor the list of their state's stale entries. */
export const staleReminderMailJob = defineJobKind({
  name: 'stale-reminder-mail',
  payload: StaleReminderPayload,
  retry: { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60 * 60_000 },
  async run(ctx, payload): Promise<JobCounts> {
    const editor = await ctx.db
      .selectFrom('accounts')
      .select(['email', 'suspended_at', 'locale'])
      .where('id', '=', payload.accountId)
      .executeTakeFirst();
    if (editor === undefined || editor.suspended_at !== null) return { skipped: 1 };

    const now = ctx.clock.now();
    const pocs = await ctx.db
      .selectFrom('pocs')
      .select(['name', 'level', 'last_confirmed_at'])
      .where('state_code', '=', payload.state)
      .orderBy('level')
      .execute();
    const stale = pocs.filter((p) => isStale(p.last_confirmed_at, now, ctx.config.staleAfterDays));
    if (stale.length === 0) return { skipped: 1 };

    const m = recipientCatalogue(ctx.config, editor.locale).directory;
    const lines = stale.map((p) =>
      m.reminderLine(m.levels[p.level as 'policy'], p.name, p.last_confirmed_at),
    );
    await ctx.mailer.send({
      to: editor.email,
      subject: m.reminderSubject(payload.state, stale.length),
      text: m.reminderBody(ctx.config.staleAfterDays, lines, `${ctx.config.publicUrl}/app/pocs`),
    });

    return { sent: 1, staleEntries: stale.length };
  },
});

/**
 * Finds states with stale entries and queues one reminder mail per state editor and stale
 * period. The idempotency key names the period, so hourly sweeps remind each editor once per
 * period however often they run.
 */
export const freshnessSweepJob = defineJobKind({
  name: 'directory-freshness-sweep',
  payload: z.looseObject({}),
  retry: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 10 * 60_000 },
  async run(ctx: AppContext): Promise<JobCounts> {
    const now = ctx.clock.now();
    const periodMs = ctx.config.staleAfterDays * DAY_MS;
    const period = Math.floor(now.getTime() / periodMs);
    const rows = await ctx.db
      .selectFrom('pocs')
      .select(['state_code', 'last_confirmed_at'])
      .execute();
    const states = new Set(
      rows
        .filter((row) => isStale(row.last_confirmed_at, now, ctx.config.staleAfterDays))
        .map((row) => row.state_code),
    );
    if (states.size === 0) return { states: 0, queued: 0 };

    const editors = await ctx.db
      .selectFrom('accounts')
      .select(['id', 'state_code'])
      .where('role', '=', 'state-editor')
      .where('suspended_at', 'is', null)
      .where('state_code', 'in', [...states])
      .execute();
    let queued = 0;
    for (const editor of editors) {
      const state = editor.state_code ?? '';
      const key = `stale-reminder:${state}:${editor.id}:${period}`;
      const payload = { accountId: editor.id, state, period };
      const id = await enqueueJob(ctx.db, ctx.clock, staleReminderMailJob, payload, {
        idempotencyKey: key,
      });
      if (id !== null) queued += 1;
    }

    return { states: states.size, queued };
  },
});
