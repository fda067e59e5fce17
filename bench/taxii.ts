// Measures STIX objects per second through the TAXII server: POST of 5,000-indicator envelopes
// and a full paged GET of 50,000 objects, over a loopback socket.
import { randomUUID } from 'node:crypto';

import type { DialectName } from '../src/db/database.ts';
import { tlp2MarkingIds } from '../src/sharing/tlp.ts';
import { MEMBERS_COLLECTION_ID } from '../src/taxii/taxii.collections.ts';
import { TAXII_MEDIA_TYPE } from '../src/taxii/taxii.media.ts';
import { startTestApp } from '../test/support/test-app.ts';

/** Figures of one TAXII benchmark run on one database. */
export interface TaxiiBenchResult {
  dialect: DialectName;
  /** Objects per envelope in the ingest figure. */
  envelopeSize: number;
  /** Median objects per second over the ingest envelopes, POST sent to 202 received. */
  ingestPerSecond: number;
  /** Objects read by the full paged GET. */
  objectsRead: number;
  pages: number;
  /** Objects per second of the full paged GET, first request to last page received. */
  readPerSecond: number;
}

const ENVELOPE_SIZE = 5000;
const READ_TOTAL = 50000;
const PAGE_LIMIT = 1000;

function envelope(batch: number): string {
  const objects = Array.from({ length: ENVELOPE_SIZE }, (_, i) => ({
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: '2024-03-05T08:15:30.000Z',
    modified: '2024-03-05T08:15:30.000Z',
    name: `Scanner ${batch}-${i}`,
    pattern: `[ipv4-addr:value = '10.${batch}.${Math.floor(i / 250)}.${i % 250}']`,
    pattern_type: 'stix',
    valid_from: '2024-03-05T08:15:30Z',
    object_marking_refs: [tlp2MarkingIds.green],
  }));

  return JSON.stringify({ objects });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);

  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Runs the TAXII benchmark on SQLite, or on PostgreSQL when asked and TEST_DATABASE_URL is set. */
export async function benchTaxii(dialect: DialectName = 'sqlite'): Promise<TaxiiBenchResult> {
  const t = await startTestApp(dialect);
  try {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const account = await t.createAccount('poc', { state: 'FR' });
    const headers = {
      accept: TAXII_MEDIA_TYPE,
      'content-type': TAXII_MEDIA_TYPE,
      authorization: `Bearer ${account.token}`,
    };
    const collection = `${address}/taxii2/members/collections/${MEMBERS_COLLECTION_ID}`;

    const rates: number[] = [];
    for (let batch = 0; batch < READ_TOTAL / ENVELOPE_SIZE; batch += 1) {
      const body = envelope(batch);
      const started = performance.now();
      const res = await fetch(`${collection}/objects/`, { method: 'POST', headers, body });
      const reply = (await res.json()) as { success_count?: number };
      const seconds = (performance.now() - started) / 1000;
      if (res.status !== 202 || reply.success_count !== ENVELOPE_SIZE) {
        throw new Error(`POST failed: ${res.status} ${JSON.stringify(reply).slice(0, 300)}`);
      }
      rates.push(ENVELOPE_SIZE / seconds);
      t.clock.advance(1000);
    }

    let next: string | undefined;
    let objectsRead = 0;
    let pages = 0;
    const started = performance.now();
    do {
      const query = new URLSearchParams({ limit: String(PAGE_LIMIT) });
      if (next !== undefined) query.set('next', next);
      const res = await fetch(`${collection}/objects/?${query.toString()}`, { headers });
      const page = (await res.json()) as { more: boolean; next?: string; objects?: unknown[] };
      objectsRead += page.objects?.length ?? 0;
      pages += 1;
      next = page.more ? page.next : undefined;
    } while (next !== undefined);
    const readSeconds = (performance.now() - started) / 1000;

    return {
      dialect,
      envelopeSize: ENVELOPE_SIZE,
      ingestPerSecond: Math.round(median(rates)),
      objectsRead,
      pages,
      readPerSecond: Math.round(objectsRead / readSeconds),
    };
  } finally {
    await t.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchTaxii('sqlite'));
  if ((process.env.TEST_DATABASE_URL ?? '') !== '') console.log(await benchTaxii('postgres'));
}
