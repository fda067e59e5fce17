import type { Principal } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import { notFound } from '../shared/errors.ts';
import { listWebhookDeliveries } from '../webhooks/webhooks.queries.ts';
import {
  findAlert,
  listChannelDeliveries,
  listRecipients,
  type RecipientRow,
} from './alerts.queries.ts';
import { LIVE_CHANNEL, type ChannelDelivery, type DeliveryReport } from './alerts.schema.ts';

// Channels of a recipient's first mail; a reminder is a later, separate channel.
const FIRST_MAIL_CHANNELS = new Set(['email', 'email-pgp']);

/**
 * Returns the furthest step a recipient reached: acknowledged, opened, delivered by the first
 * mail or the live stream, else its first mail's status.
 */
function progressOf(
  recipient: RecipientRow,
  first: ChannelDelivery | undefined,
  isLiveDelivered: boolean,
): string {
  if (recipient.acknowledged_at !== null) return 'acknowledged';
  if (recipient.opened_at !== null) return 'opened';
  if (isLiveDelivered) return 'delivered';

  return first?.status ?? 'queued';
}

function isLiveDelivery(channel: ChannelDelivery): boolean {
  return channel.channel === LIVE_CHANNEL && channel.status === 'delivered';
}

/**
 * Returns the delivery report of an alert to its sender or the secretariat: per recipient the
 * status and times of every channel (mail, reminder, live stream) and escalation, per endpoint
 * the webhook call, and counts of each step. `queued` to `failed` count first mails only, so a
 * recipient reached by mail and live stream counts once in `delivered` and once in
 * `liveDelivered`.
 */
export async function getDeliveryReport(
  ctx: AppContext,
  viewer: Principal,
  alertId: string,
): Promise<DeliveryReport> {
  const alert = await findAlert(ctx.db, alertId);
  const mayRead = viewer.role === 'secretariat' || alert?.sender_account_id === viewer.accountId;
  if (alert === undefined || !mayRead) throw notFound((m) => m.problems.alerts.alertNotFound);

  const [rows, deliveries, hooks] = await Promise.all([
    listRecipients(ctx.db, alertId),
    listChannelDeliveries(ctx.db, alertId),
    listWebhookDeliveries(ctx.db, alertId),
  ]);
  const emailById = new Map(rows.map((row) => [row.id, row.email]));
  const channelsOf = new Map<string, ChannelDelivery[]>();
  for (const d of deliveries) {
    const list = channelsOf.get(d.recipient_id) ?? [];
    list.push({
      channel: d.channel,
      status: d.status,
      attempts: d.attempts,
      queuedAt: d.queued_at,
      sentAt: d.sent_at,
      deliveredAt: d.delivered_at,
      failedAt: d.failed_at,
      failureReason: d.failure_reason,
      contentWithheld: d.content_withheld === 1,
    });
    channelsOf.set(d.recipient_id, list);
  }

  const recipients = rows.map((row) => {
    const channels = channelsOf.get(row.id) ?? [];
    const first = channels.find((c) => FIRST_MAIL_CHANNELS.has(c.channel));
    return {
      email: row.email,
      state: row.state_code,
      level: row.level,
      organisationId: row.organisation_id,
      contactRole: row.contact_role,
      status: progressOf(row, first, channels.some(isLiveDelivery)),
      attempts: first?.attempts ?? 0,
      sentAt: first?.sentAt ?? null,
      deliveredAt: first?.deliveredAt ?? null,
      failureReason: first?.failureReason ?? null,
      openedAt: row.opened_at,
      acknowledgedAt: row.acknowledged_at,
      acknowledgedVia: row.acknowledged_via,
      remindedAt: row.reminded_at,
      escalatedAt: row.escalated_at,
      escalatedFrom:
        row.escalated_from === null ? null : (emailById.get(row.escalated_from) ?? null),
      channels,
    };
  });
  const firstStatus = (status: string) =>
    deliveries.filter((d) => FIRST_MAIL_CHANNELS.has(d.channel) && d.status === status).length;

  return {
    alertId,
    exercise: alert.exercise === 1,
    responseDueAt: alert.response_due_at,
    counts: {
      recipients: recipients.length,
      queued: firstStatus('queued'),
      sent: firstStatus('sent'),
      delivered: firstStatus('delivered'),
      failed: firstStatus('failed'),
      liveDelivered: recipients.filter((r) => r.channels.some(isLiveDelivery)).length,
      opened: recipients.filter((r) => r.openedAt !== null).length,
      acknowledged: recipients.filter((r) => r.acknowledgedAt !== null).length,
      reminded: recipients.filter((r) => r.remindedAt !== null).length,
      escalated: recipients.filter((r) => r.escalatedAt !== null).length,
      contentWithheld: recipients.filter((r) => r.channels.some((c) => c.contentWithheld)).length,
      webhooks: hooks.length,
      webhooksDelivered: hooks.filter((h) => h.status === 'delivered').length,
    },
    recipients,
    webhooks: hooks.map((h) => ({
      webhookId: h.webhook_id,
      url: h.url,
      owner: h.owner,
      status: h.status,
      attempts: h.attempts,
      responseStatus: h.response_status,
      deliveredAt: h.delivered_at,
      failureReason: h.failure_reason,
    })),
  };
}
