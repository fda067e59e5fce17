import type { FastifyInstance, FastifyRequest } from 'fastify';

import type { AppContext } from '../app/context.ts';
import { isStillAuthenticated, requirePrincipal } from '../auth/auth.hooks.ts';
import { invalidField } from '../shared/errors.ts';
import { SseHub, type SseClient } from './sse-hub.ts';

/** Interval of the comment that keeps idle streams open through proxies, in milliseconds. */
export const HEARTBEAT_MS = 15_000;

// A stream whose unsent output exceeds this many bytes is closed. The client then reconnects and
// catches up from its Last-Event-ID, so the server never buffers without bound.
const MAX_BUFFERED_BYTES = 1024 * 1024;

// Maximum delay of a Node.js timer (2^31 - 1 ms, about 24.8 days).
const MAX_TIMER_MS = 2_147_483_647;

/** Returns the milliseconds from `now` to the ISO 8601 time `at`, within what a timer accepts. */
function delayUntil(at: string, now: Date): number {
  return Math.min(Math.max(Date.parse(at) - now.getTime(), 0), MAX_TIMER_MS);
}

/** Reads the reconnect position from the `Last-Event-ID` header or the `lastEventId` query. */
function readLastEventId(request: FastifyRequest): number | null {
  const header = request.headers['last-event-id'];
  const query = (request.query as Record<string, unknown>).lastEventId;
  const value = typeof header === 'string' && header !== '' ? header : query;
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) {
    throw invalidField('lastEventId', (m) => m.problems.http.lastEventIdInvalid);
  }

  return Number(value);
}

/** Registers the Server-Sent Events stream `GET /api/v1/events`. */
export function registerEventRoutes(app: FastifyInstance, ctx: AppContext) {
  const hub = new SseHub(ctx);
  app.addHook('onReady', () => hub.start());
  app.addHook('preClose', async () => {
    await hub.stop();
  });

  app.get('/api/v1/events', async (request, reply) => {
    const principal = requirePrincipal(request);
    const lastEventId = readLastEventId(request);

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    });
    raw.write('retry: 5000\n\n');

    let client: SseClient | null = null;
    let lastIdLine = 0;
    const end = () => {
      if (!raw.writableEnded) raw.end();
    };
    const write = (frame: string) => {
      if (raw.writableEnded) return;
      raw.write(frame);
      if (raw.writableLength > MAX_BUFFERED_BYTES) {
        request.log.warn({ accountId: principal.accountId }, 'live stream too slow, closing');
        end();
      }
    };
    // The id line lets a client whose last events were not visible to it resume after them.
    const heartbeat = setInterval(() => {
      const id = client?.lastSentId ?? 0;
      write(id > lastIdLine ? `: heartbeat\nid: ${id}\n\n` : ': heartbeat\n\n');
      lastIdLine = id;
    }, HEARTBEAT_MS);
    // A session stream ends when its session expires; other credential changes reach the hub as
    // `access` events.
    const expiresAt = request.sessionExpiresAt;
    const expiry =
      expiresAt === null ? null : setTimeout(end, delayUntil(expiresAt, ctx.clock.now()));
    const cleanUp = () => {
      clearInterval(heartbeat);
      if (expiry !== null) clearTimeout(expiry);
      if (client !== null) hub.disconnect(client);
    };
    raw.on('close', cleanUp);
    const isAuthenticated = () => isStillAuthenticated(ctx, request, principal);

    try {
      client = await hub.connect(principal, { write, end, isAuthenticated }, lastEventId);
      if (raw.destroyed) cleanUp();
    } catch (error) {
      request.log.error({ err: error }, 'live stream failed to start');
      cleanUp();
      end();
    }
  });
}
