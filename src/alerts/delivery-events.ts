import type { AppContext } from '../app/context.ts';
import type { DeliveryEvent } from '../events/event-catalogue.ts';
import { publishEvents, recordEvent } from '../events/events.service.ts';

/** A delivery change as a job reports it; the time is taken from the clock. */
export type DeliveryChange = Omit<DeliveryEvent, 'at' | 'reason'> & { reason?: string | null };

/**
 * Stores and publishes a `delivery` event, which the SSE adapter sends to the alert's sender
 * only. A failure is logged and not thrown, because the delivery row is already recorded and
 * the report page reads it.
 */
export async function publishDeliveryChange(ctx: AppContext, change: DeliveryChange) {
  try {
    const event = await ctx.db.transaction().execute((trx) =>
      recordEvent(trx, ctx.database.dialect, ctx.clock, 'delivery', {
        ...change,
        reason: change.reason ?? null,
        at: ctx.clock.now().toISOString(),
      }),
    );
    await publishEvents(ctx, [event]);
  } catch (error) {
    ctx.logger.error({ err: error, alertId: change.alertId }, 'delivery event failed');
  }
}
