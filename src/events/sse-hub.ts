import type { Principal } from '../accounts/principal.ts';
import { withoutPartnersBelow } from '../alerts/addressing.ts';
import { findAlertAudience, findAlertSender } from '../alerts/alerts.queries.ts';
import type { AppContext } from '../app/context.ts';
import { findExerciseController } from '../exercises/exercises.queries.ts';
import { findRequestAudience } from '../requests/requests.queries.ts';
import { parseTlp } from '../sharing/tlp.ts';
import type { AlertEvent, LiveEvent } from './event-catalogue.ts';
import { parseLiveEvent } from './event-catalogue.ts';
import { findLastEventId, findPrunedThrough, listEventsAfter } from './events.queries.ts';

// Rows read per query when catching up.
const PAGE_SIZE = 500;

/** Principals allowed to receive one event on the live stream. */
interface Audience {
  /** The alert's sender, or null when only the listed recipients receive the event. */
  senderAccountId: string | null;
  /** Normalised e-mails of the recipients; empty for events only the sender receives. */
  recipientEmailKeys: ReadonlySet<string>;
}

/** One open stream. */
export interface SseClient {
  principal: Principal;
  /** Highest event id this stream has dealt with, sent or skipped as not visible. */
  lastSentId: number;
  /** False while the stream replays stored events; live events wait in `pending` meanwhile. */
  isLive: boolean;
  pending: { id: number; frame: string | null }[];
  write(frame: string): void;
  end(): void;
  isAuthenticated(): Promise<boolean>;
}

/** Destination of a stream's frames. */
export interface SseSink {
  write(frame: string): void;
  /** Ends the stream; the hub calls it when the server stops or the credentials stop working. */
  end(): void;
  /** Returns true while the credentials that opened the stream still authenticate its account. */
  isAuthenticated(): Promise<boolean>;
}

/** Formats one event as an SSE message. */
export function formatFrame(event: LiveEvent): string {
  return `id: ${event.id}\nevent: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`;
}

function onlyAccount(accountId: string): Audience {
  return { senderAccountId: accountId, recipientEmailKeys: new Set<string>() };
}

function mayReceive(audience: Audience | null, principal: Principal): boolean {
  if (audience === null) return false;

  return (
    audience.senderAccountId === principal.accountId ||
    audience.recipientEmailKeys.has(principal.emailKey)
  );
}

/**
 * The SSE adapter of the event bus. It reads events in id order from the `events` table after
 * each bus message and sends each one only to the streams whose principal may see it: the
 * sender and recipients for `alert` and `request` (partners only within their current
 * clearance), the sender for `acknowledgement`, the exercise's controller for `exercise`. An
 * `access` event goes to no stream, but closes the account's streams whose credentials stopped
 * working. Reading rows, not trusting bus order, keeps every stream gap-free when requests
 * publish concurrently.
 */
export class SseHub {
  private readonly clients = new Set<SseClient>();
  private cursor = 0;
  private unsubscribe: (() => void) | null = null;
  private draining: Promise<void> | null = null;
  private isDrainRequested = false;

  constructor(private readonly ctx: AppContext) {}

  /** Subscribes to the bus, starting after the newest stored event. */
  async start(): Promise<void> {
    this.cursor = await findLastEventId(this.ctx.db);
    this.unsubscribe = this.ctx.bus.subscribe(() => {
      this.requestDrain();
    });
  }

  /** Unsubscribes, ends every open stream and waits for a fan-out in progress to finish. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.isDrainRequested = false;
    for (const client of this.clients) client.end();
    this.clients.clear();
    await this.draining;
  }

  /** Number of open streams. */
  get size(): number {
    return this.clients.size;
  }

  /**
   * Adds a stream. With `lastEventId` it first replays the stored events after that id that the
   * principal may see. It sends one `resync` event instead when that id has left the replay window
   * or is newer than any event issued.
   */
  async connect(
    principal: Principal,
    sink: SseSink,
    lastEventId: number | null,
  ): Promise<SseClient> {
    const client: SseClient = { principal, lastSentId: 0, isLive: false, pending: [], ...sink };
    // Added before reading, so an event committed meanwhile is either read or queued in `pending`.
    this.clients.add(client);
    try {
      await this.catchUp(client, lastEventId);
    } catch (error) {
      this.clients.delete(client);
      throw error;
    }

    for (const item of client.pending) this.deliver(client, item.id, item.frame);
    client.pending = [];
    client.isLive = true;

    return client;
  }

  private async catchUp(client: SseClient, lastEventId: number | null): Promise<void> {
    const prunedThrough = await findPrunedThrough(this.ctx.db);
    // Ids are never reused, so the newest id issued is the last row or, when pruning emptied the
    // table, the last pruned one.
    const newestId = Math.max(await findLastEventId(this.ctx.db), prunedThrough);
    if (lastEventId === null) {
      client.lastSentId = newestId;
    } else if (lastEventId < prunedThrough) {
      this.resync(client, newestId, 'Last-Event-ID is older than the replay window');
    } else if (lastEventId > newestId) {
      // Taking such an id as the position would hide every event up to it.
      this.resync(client, newestId, 'Last-Event-ID is newer than any event this server issued');
    } else {
      client.lastSentId = lastEventId;
      await this.replay(client);
    }
  }

  /** Moves a stream to the newest event and sends `resync`, so the client reloads its state. */
  private resync(client: SseClient, newestId: number, reason: string): void {
    client.lastSentId = newestId;
    const data = JSON.stringify({ reason });
    client.write(`id: ${newestId}\nevent: resync\ndata: ${data}\n\n`);
  }

  /** Removes a stream. */
  disconnect(client: SseClient): void {
    this.clients.delete(client);
  }

  private async replay(client: SseClient): Promise<void> {
    for (;;) {
      const rows = await listEventsAfter(this.ctx.db, client.lastSentId, PAGE_SIZE);
      for (const row of rows) {
        const event = parseLiveEvent(row);
        if (mayReceive(await this.audienceOf(event), client.principal)) {
          client.write(formatFrame(event));
        }
        client.lastSentId = event.id;
      }
      if (rows.length < PAGE_SIZE) return;
    }
  }

  private deliver(client: SseClient, id: number, frame: string | null): void {
    if (id <= client.lastSentId) return;
    if (frame !== null) client.write(frame);
    client.lastSentId = id;
  }

  private offer(client: SseClient, id: number, frame: string | null): void {
    if (client.isLive) this.deliver(client, id, frame);
    else client.pending.push({ id, frame });
  }

  private requestDrain(): void {
    this.isDrainRequested = true;
    this.draining ??= this.drain()
      .catch((error: unknown) => {
        this.ctx.logger.error({ err: error }, 'live event fan-out failed');
      })
      .finally(() => {
        this.draining = null;
        if (this.isDrainRequested) this.requestDrain();
      });
  }

  private async drain(): Promise<void> {
    while (this.isDrainRequested) {
      this.isDrainRequested = false;
      for (;;) {
        const rows = await listEventsAfter(this.ctx.db, this.cursor, PAGE_SIZE);
        for (const row of rows) await this.fanOut(parseLiveEvent(row));
        if (rows.length < PAGE_SIZE) break;
      }
    }
  }

  /**
   * Closes the streams of an account whose credentials no longer authenticate. A check that
   * fails closes the stream too, because the client can reconnect and sign in again.
   */
  private async closeUnauthenticated(accountId: string): Promise<void> {
    for (const client of [...this.clients]) {
      if (client.principal.accountId !== accountId) continue;
      const isValid = await client.isAuthenticated().catch((error: unknown) => {
        this.ctx.logger.error({ err: error, accountId }, 'live stream credential check failed');
        return false;
      });
      if (isValid) continue;
      this.clients.delete(client);
      client.end();
      this.ctx.logger.info({ accountId }, 'live stream closed, credentials no longer valid');
    }
  }

  /** Sends one event to every stream allowed to see it; the audience is read once per event. */
  private async fanOut(event: LiveEvent): Promise<void> {
    // Streams are closed before later events, so none reaches an account after its suspension.
    if (event.name === 'access') await this.closeUnauthenticated(event.payload.accountId);
    const audience = this.clients.size === 0 ? null : await this.audienceOf(event);
    const frame = formatFrame(event);
    // Streams that may not see the event still move past it, so their next heartbeat can carry
    // a Last-Event-ID that skips it on reconnect.
    for (const client of this.clients) {
      this.offer(client, event.id, mayReceive(audience, client.principal) ? frame : null);
    }
    this.cursor = event.id;
  }

  /**
   * Returns the sender and recipients of an alert event, without partner accounts whose
   * organisation is cleared below the alert's TLP now. Replay and fan-out read the clearance at
   * send time, because it may have been lowered since the recipient rows were written.
   */
  private async alertAudience(alert: AlertEvent): Promise<Audience | null> {
    const audience = await findAlertAudience(this.ctx.db, alert.id, alert.escalatedFrom);
    if (audience === null) return null;
    const recipients = [...audience.recipientEmailKeys].map((emailKey) => ({ emailKey }));
    const cleared = await withoutPartnersBelow(this.ctx.db, recipients, alert.tlp);

    return { ...audience, recipientEmailKeys: new Set(cleared.map((entry) => entry.emailKey)) };
  }

  /**
   * Returns the sender and recipients of a message event, without partner accounts whose
   * organisation is cleared below the message's TLP now, as for alerts. A partner that sent the
   * message is left out too, because it no longer reads it either.
   */
  private async requestAudience(requestId: string): Promise<Audience | null> {
    const audience = await findRequestAudience(this.ctx.db, requestId);
    if (audience === null) return null;
    // A stored level is always valid. Were it not, the strictest level is the safe reading.
    const tlp = parseTlp(audience.tlp) ?? 'red';
    const keys = [...audience.recipientEmailKeys];
    if (audience.senderEmailKey !== null) keys.push(audience.senderEmailKey);
    const entries = keys.map((emailKey) => ({ emailKey }));
    const cleared = new Set(
      (await withoutPartnersBelow(this.ctx.db, entries, tlp)).map((entry) => entry.emailKey),
    );
    const isSenderCleared =
      audience.senderEmailKey === null || cleared.has(audience.senderEmailKey);

    return {
      senderAccountId: isSenderCleared ? audience.senderAccountId : null,
      recipientEmailKeys: new Set(
        [...audience.recipientEmailKeys].filter((key) => cleared.has(key)),
      ),
    };
  }

  private async audienceOf(event: LiveEvent): Promise<Audience | null> {
    switch (event.name) {
      case 'alert':
        return this.alertAudience(event.payload);
      case 'request':
        return this.requestAudience(event.payload.id);
      case 'exercise': {
        // Only the account that created the exercise follows its timeline live.
        const controllerId = await findExerciseController(this.ctx.db, event.payload.exerciseId);
        return controllerId === null ? null : onlyAccount(controllerId);
      }
      case 'access':
        return null;
      case 'acknowledgement':
      case 'delivery': {
        // Only the sender follows acknowledgements and deliveries, so no recipient is read.
        const senderAccountId = await findAlertSender(this.ctx.db, event.payload.alertId);
        return senderAccountId === null ? null : onlyAccount(senderAccountId);
      }
    }
  }
}
