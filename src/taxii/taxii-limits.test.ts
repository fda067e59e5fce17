import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { tlp2MarkingIds } from '../sharing/tlp.ts';
import { TAXII_MEDIA_TYPE } from './taxii.media.ts';
import type { StatusResource } from './taxii.status.ts';
import {
  indicator,
  MEMBERS,
  pageAll,
  taxiiGet,
  taxiiPost,
  type Envelope,
} from './taxii.test-helpers.ts';

// The page sizes are read when the app starts; this file runs in its own process.
process.env.TAXII_PAGE_SIZE = '5';
process.env.TAXII_MAX_PAGE_SIZE = '10';

/** Builds `count` green indicators, each about 700 bytes of JSON. */
function indicators(count: number) {
  return Array.from({ length: count }, (_, i) =>
    indicator({
      name: `Scanner address ${i} seen by the national CERT during the reporting period`,
      description: 'Address reported by several members for repeated SSH brute force. '.repeat(5),
      pattern: `[ipv4-addr:value = '198.51.${Math.floor(i / 250) % 250}.${i % 250}']`,
      object_marking_refs: [tlp2MarkingIds.green],
    }),
  );
}

for (const dialect of testDialects) {
  describe(`TAXII limits on ${dialect}`, () => {
    let t: TestApp;
    let poc: TestAccount;
    let reader: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      poc = await t.createAccount('poc', { state: 'FR' });
      reader = await t.createAccount('poc', { state: 'DE' });
    });
    after(() => t.close());

    async function storedCount(): Promise<number> {
      const row = await t.ctx.db
        .selectFrom('stix_objects')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();

      return row.count;
    }

    it('pages with the default size and reports more', async () => {
      const objects = Array.from({ length: 7 }, () =>
        indicator({ object_marking_refs: [tlp2MarkingIds.green], x_batch: 'seven' }),
      );
      const res = await taxiiPost(t, poc.token, objects);
      assert.equal(res.statusCode, 202, res.body);

      const first = await taxiiGet(t, `${MEMBERS}/objects/`, reader.token);
      const page = first.json<Envelope>();
      assert.equal(page.objects?.length, 5);
      assert.equal(page.more, true);
      const next = page.next ?? '';
      assert.notEqual(next, '');

      const second = await taxiiGet(
        t,
        `${MEMBERS}/objects/?next=${encodeURIComponent(next)}`,
        reader.token,
      );
      const rest = second.json<Envelope>();
      assert.equal(rest.objects?.length, 2);
      assert.equal(rest.more, false);
      assert.equal(rest.next, undefined);

      const ids = [...(page.objects ?? []), ...(rest.objects ?? [])].map((o) => String(o.id));
      assert.equal(new Set(ids).size, 7);
      assert.deepEqual(new Set(ids), new Set(objects.map((o) => String(o.id))));
    });

    it('caps limit at the maximum page size', async () => {
      const res = await taxiiGet(t, `${MEMBERS}/objects/?limit=1000`, reader.token);
      assert.equal(res.statusCode, 200);
      assert.ok((res.json<Envelope>().objects?.length ?? 0) <= 10);
    });

    it('rejects an oversized envelope before parsing it', async () => {
      const before = await storedCount();
      const payload = JSON.stringify({ objects: indicators(20000) });
      assert.ok(payload.length > 10485760, `payload is ${payload.length} bytes`);

      const res = await t.request({
        method: 'POST',
        url: `${MEMBERS}/objects/`,
        token: poc.token,
        headers: { accept: TAXII_MEDIA_TYPE, 'content-type': TAXII_MEDIA_TYPE },
        payload,
      });
      assert.equal(res.statusCode, 413);
      assert.equal(res.headers['content-type'], TAXII_MEDIA_TYPE);
      assert.match(res.json<{ description: string }>().description, /10485760/);
      assert.equal(await storedCount(), before);
    });

    it('cuts off an oversized chunked envelope', async () => {
      const before = await storedCount();
      const chunk = Buffer.from(' '.repeat(1024 * 1024));
      const body = Readable.from(
        (function* () {
          yield Buffer.from('{"objects":[');
          for (let i = 0; i < 12; i += 1) yield chunk;
          yield Buffer.from(']}');
        })(),
      );
      const res = await t.request({
        method: 'POST',
        url: `${MEMBERS}/objects/`,
        token: poc.token,
        headers: {
          accept: TAXII_MEDIA_TYPE,
          'content-type': TAXII_MEDIA_TYPE,
          'transfer-encoding': 'chunked',
        },
        payload: body,
      });
      assert.equal(res.statusCode, 413);
      assert.match(res.json<{ description: string }>().description, /10485760/);
      assert.equal(await storedCount(), before);
    });

    it('accepts 5,000 indicators and pages them all back', async () => {
      const objects = indicators(5000);
      const batch = randomUUID();
      for (const object of objects) object.x_batch = batch;
      const res = await taxiiPost(t, poc.token, objects);
      assert.equal(res.statusCode, 202, res.body.slice(0, 500));
      const status = res.json<StatusResource>();
      assert.equal(status.success_count, 5000);
      assert.equal(status.failure_count, 0);

      const polled = await taxiiGet(t, `/taxii2/members/status/${status.id}/`, poc.token);
      assert.equal(polled.json<StatusResource>().status, 'complete');
      assert.equal(polled.json<StatusResource>().success_count, 5000);

      const { objects: paged } = await pageAll(t, `${MEMBERS}/objects/?limit=10`, reader.token);
      const mine = paged.filter((object) => object.x_batch === batch);
      assert.equal(mine.length, 5000);
      assert.equal(new Set(mine.map((object) => object.id)).size, 5000);
    });
  });
}
