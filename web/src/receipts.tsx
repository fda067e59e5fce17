import { callApi } from './api.ts';
import { useLiveEvent } from './events.tsx';
import { useSession } from './session.tsx';

/**
 * Confirms each live `alert` event to the server, so the sender's delivery report shows the
 * recipient's `live` delivery. Renders nothing. The sender of an alert receives its event too
 * and gets a 404 for the receipt unless it is also a recipient, so failures are dropped.
 */
export function LiveReceipts() {
  const me = useSession();

  useLiveEvent('alert', (event, eventId) => {
    const id = Number(eventId);
    if (!Number.isSafeInteger(id) || id < 1) return;
    // NOTE: a receipt lost to a network error is not sent again, so that live delivery stays
    // unrecorded. The mail channels still track the alert.
    void callApi({
      method: 'POST',
      path: `/api/v1/alerts/${encodeURIComponent(event.id)}/receipts`,
      body: { channel: 'live', eventId: id },
      csrfToken: me.csrfToken,
    }).catch(() => undefined);
  });

  return null;
}
