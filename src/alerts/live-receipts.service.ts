import type { Principal } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import { recordAudit } from '../audit/audit.ts';
import { parseLiveEvent } from '../events/event-catalogue.ts';
import { findEvent } from '../events/events.queries.ts';
import { invalidField, notFound } from '../shared/errors.ts';
import {
  findAlertFor,
  findRecipient,
  insertDeliveries,
  type RecipientRow,
} from './alerts.queries.ts';
import { LIVE_CHANNEL, type LiveReceipt } from './alerts.schema.ts';
import { newDeliveryRow } from './alerts.service.ts';
import { publishDeliveryChange } from './delivery-events.ts';
import { findChannelDelivery } from './live-receipts.queries.ts';

/**
 * Returns the account's recipient row of an alert it may read. Any other caller gets the 404 of
 * an unknown alert, so the receipt reveals neither the alert nor its TLP, and the refusal is
 * audited. The one exception to the audit is the alert's sender without a recipient row: the
 * sender may read the alert, so the 404 hides nothing, and the sender's own workspace sends a
 * receipt for each alert it sends.
 */
async function requireRecipient(
  ctx: AppContext,
  viewer: Principal,
  alertId: string,
): Promise<RecipientRow> {
  // findAlertFor applies a partner's clearance, so a recipient row above it is rejected as well.
  const visible = await findAlertFor(ctx.db, alertId, viewer);
  const recipient =
    visible === undefined ? undefined : await findRecipient(ctx.db, alertId, viewer.emailKey);
  if (recipient !== undefined) return recipient;

  if (visible === undefined) {
    await recordAudit(ctx.db, ctx.clock, {
      accountId: viewer.accountId,
      action: 'alert.receipt',
      target: `alert:${alertId}`,
      outcome: 'denied',
      details: { reason: 'not a recipient', channel: LIVE_CHANNEL },
    });
  }
  throw notFound((m) => m.problems.alerts.alertNotFound);
}

/**
 * Checks that `eventId` is a stored `alert` event of the recipient's alert that the live stream
 * sends to that recipient, and returns the time the event was stored. As on the stream, the
 * alert's first event reaches every recipient and an escalation's event only the alternates it
 * added. A pruned event cannot be checked, so it is rejected.
 */
async function requireAlertEvent(
  ctx: AppContext,
  recipient: RecipientRow,
  eventId: number,
): Promise<string> {
  const row = await findEvent(ctx.db, eventId);
  const event = row?.kind === 'alert' ? parseLiveEvent(row) : undefined;
  if (event?.name === 'alert' && event.payload.id === recipient.alert_id) {
    const { escalatedFrom } = event.payload;
    if (escalatedFrom === null || escalatedFrom === recipient.escalated_from) {
      return event.createdAt;
    }
  }

  throw invalidField('eventId', (m) => m.problems.alerts.fields.eventNotOfAlert);
}

/**
 * Records that the signed-in account's open workspace received an alert's live event. It stores
 * one `live` delivery on the account's recipient row, delivered now and queued when the event was
 * stored. A second receipt adds no row and keeps the first time. Only the first one sends the
 * sender a `delivery` live event.
 */
export async function recordLiveReceipt(
  ctx: AppContext,
  viewer: Principal,
  alertId: string,
  receipt: LiveReceipt,
) {
  const recipient = await requireRecipient(ctx, viewer, alertId);
  const storedAt = await requireAlertEvent(ctx, recipient, receipt.eventId);

  const now = ctx.clock.now().toISOString();
  const delivery = {
    ...newDeliveryRow(alertId, recipient.id, LIVE_CHANNEL, storedAt),
    status: 'delivered' as const,
    attempts: 1,
    delivered_at: now,
    // Message-IDs belong to mail; the live event is identified by its SSE id.
    message_id: null,
  };
  const isFirst = (await insertDeliveries(ctx.db, [delivery])) === 1;

  if (isFirst) {
    ctx.logger.info(
      { alertId, recipientId: recipient.id, eventId: receipt.eventId },
      'live delivery recorded',
    );
    await publishDeliveryChange(ctx, {
      alertId,
      recipient: recipient.email,
      channel: LIVE_CHANNEL,
      status: 'delivered',
    });
  }
  const stored = isFirst
    ? undefined
    : await findChannelDelivery(ctx.db, recipient.id, LIVE_CHANNEL);

  return { alertId, channel: LIVE_CHANNEL, deliveredAt: stored?.delivered_at ?? now };
}
