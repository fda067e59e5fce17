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

/**
 * A bounded in-memory cache of rendered responses. Keys carry everything the body depends on
 * (data revision, audience, query, time bucket), so an entry never needs invalidating: older keys
 * simply stop being asked for and fall out when the cache is full (oldest first).
 */
export class ResponseCache {
  private readonly entries = new Map<string, CachedBody>();

  constructor(private readonly maxEntries = 256) {}

  /** Returns the cached body for `key`, rendering and storing it on a miss. */
  async get(key: string, contentType: string, render: () => Promise<string>): Promise<CachedBody> {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;

    const body = Buffer.from(await render(), 'utf8');
    const entry: CachedBody = {
      body,
      gzip: gzipSync(body),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      contentType,
    };
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, entry);

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
