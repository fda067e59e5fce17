import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

import type { FastifyReply, FastifyRequest } from 'fastify';

import { appendVary } from '../app/locale.ts';

/** A rendered response body kept with its gzip form and entity tag. */
export interface CachedBody {
  body: Buffer;
  gzip: Buffer;
  etag: string;
  contentType: string;
}

/** A cached body with the time period it was rendered in. */
interface StoredBody {
  entry: CachedBody;
  period: number;
}

/**
 * A bounded in-memory cache of rendered responses. The key carries everything the body depends
 * on (data revision, audience, query), so an entry never needs invalidating: older keys simply
 * stop being asked for and fall out when the cache is full (oldest first). The period (a time
 * bucket such as the current minute) covers what changes with time alone, such as staleness
 * marks.
 *
 * Concurrent misses for one key share one rendering, so a burst of requests renders a page once.
 * When only the period has moved on, the request that notices renders the new body and waits for
 * it, while requests arriving during that rendering get the previous period's body at once.
 */
export class ResponseCache {
  private readonly entries = new Map<string, StoredBody>();
  private readonly renderings = new Map<string, Promise<CachedBody>>();

  constructor(private readonly maxEntries = 256) {}

  /** Returns the cached body for `key` in `period`, rendering and storing it when missing. */
  async get(
    key: string,
    period: number,
    contentType: string,
    render: () => Promise<string>,
  ): Promise<CachedBody> {
    const stored = this.entries.get(key);
    if (stored !== undefined && stored.period === period) return stored.entry;

    const inFlight = this.renderings.get(key);
    if (inFlight !== undefined) return stored?.entry ?? inFlight;

    const rendering = this.renderAndStore(key, period, contentType, render);
    this.renderings.set(key, rendering);
    try {
      return await rendering;
    } finally {
      this.renderings.delete(key);
    }
  }

  private async renderAndStore(
    key: string,
    period: number,
    contentType: string,
    render: () => Promise<string>,
  ): Promise<CachedBody> {
    const body = Buffer.from(await render(), 'utf8');
    const entry: CachedBody = {
      body,
      gzip: gzipSync(body),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      contentType,
    };
    // Re-inserting moves the key to the end of the Map, so the first key is the least recent.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { entry, period });

    return entry;
  }
}

/**
 * Sends a cached body: 304 when the client has it, gzip when the client accepts it. `Vary` keeps
 * the names a route added before, such as `Accept-Language` for a page cached per language.
 */
export function sendCached(request: FastifyRequest, reply: FastifyReply, entry: CachedBody) {
  void reply.header('etag', entry.etag);
  appendVary(reply, ['Accept-Encoding', 'Cookie', 'Authorization']);
  void reply.header('cache-control', 'private, no-cache');
  if (request.headers['if-none-match'] === entry.etag) return reply.status(304).send();

  const acceptsGzip = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
  void reply.type(entry.contentType);
  if (!acceptsGzip) return reply.send(entry.body);

  return reply.header('content-encoding', 'gzip').send(entry.gzip);
}
