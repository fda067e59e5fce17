import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { tlp2MarkingIds } from '../sharing/tlp.ts';
import { MEMBERS_COLLECTION_ID, PUBLIC_COLLECTION_ID } from './taxii.collections.ts';
import { TAXII_MEDIA_TYPE } from './taxii.media.ts';
import type { StatusResource } from './taxii.status.ts';
import {
  indicator,
  MEMBERS,
  PUBLIC,
  taxiiGet,
  taxiiPost,
  type Envelope,
  type StixObject,
} from './taxii.test-helpers.ts';

interface TaxiiErrorReply {
  title: string;
  description: string;
  http_status: string;
  error_code: string;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

for (const dialect of testDialects) {
  describe(`TAXII 2.1 server on ${dialect}`, () => {
    let t: TestApp;
    let pocFr: TestAccount;
    let pocDe: TestAccount;
    let partner: TestAccount;
    let secretariat: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      pocFr = await t.createAccount('poc', { state: 'FR' });
      pocDe = await t.createAccount('poc', { state: 'DE' });
      partner = await t.createAccount('partner', { org: 'Acme Research' });
      secretariat = await t.createAccount('secretariat');
    });
    after(() => t.close());

    async function postOk(token: string, objects: StixObject[]): Promise<StatusResource> {
      const res = await taxiiPost(t, token, objects);
      assert.equal(res.statusCode, 202, res.body);

      return res.json<StatusResource>();
    }

    describe('discovery and collections', () => {
      it('serves discovery with the exact media type', async () => {
        const res = await taxiiGet(t, '/taxii2/');
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers['content-type'], TAXII_MEDIA_TYPE);
        const body = res.json<{ title: string; default: string; api_roots: string[] }>();
        assert.equal(body.title, 'Parley TAXII server');
        assert.equal(body.default, 'http://parley.test/taxii2/members/');
        assert.deepEqual(body.api_roots, [
          'http://parley.test/taxii2/members/',
          'http://parley.test/taxii2/public/',
        ]);
      });

      it('advertises max_content_length on each root', async () => {
        const res = await taxiiGet(t, '/taxii2/members/', pocFr.token);
        assert.equal(res.statusCode, 200);
        const body = res.json<{ versions: string[]; max_content_length: number }>();
        assert.deepEqual(body.versions, [TAXII_MEDIA_TYPE]);
        assert.equal(body.max_content_length, 10485760);
      });

      it('lists collections with rights of the caller', async () => {
        const member = await taxiiGet(t, '/taxii2/members/collections/', pocFr.token);
        const memberList = member.json<{ collections: Record<string, unknown>[] }>().collections;
        assert.equal(memberList.length, 1);
        const [collection] = memberList;
        assert.ok(collection);
        assert.equal(collection.id, MEMBERS_COLLECTION_ID);
        assert.equal(collection.can_read, true);
        assert.equal(collection.can_write, true);
        assert.deepEqual(collection.media_types, ['application/stix+json;version=2.1']);

        // A partner may write, but its objects wait for moderation.
        const asPartner = await taxiiGet(t, `${MEMBERS}/`, partner.token);
        assert.equal(asPartner.json<{ can_write: boolean }>().can_write, true);

        const open = await taxiiGet(t, `${PUBLIC}/`);
        assert.equal(open.statusCode, 200);
        assert.equal(open.json<{ id: string }>().id, PUBLIC_COLLECTION_ID);
        assert.equal(open.json<{ can_write: boolean }>().can_write, false);
      });

      it('answers an unknown collection with a TAXII 404', async () => {
        const res = await taxiiGet(t, '/taxii2/members/collections/nope/', pocFr.token);
        assert.equal(res.statusCode, 404);
        assert.equal(res.headers['content-type'], TAXII_MEDIA_TYPE);
        assert.equal(res.json<TaxiiErrorReply>().http_status, '404');
      });
    });

    describe('content negotiation and authentication', () => {
      it('rejects another Accept type with 406', async () => {
        const res = await t.request({
          method: 'GET',
          url: '/taxii2/',
          headers: { accept: 'application/json' },
        });
        assert.equal(res.statusCode, 406);
        assert.equal(res.headers['content-type'], TAXII_MEDIA_TYPE);
        const error = res.json<TaxiiErrorReply>();
        assert.equal(error.title, 'Not acceptable');
        assert.equal(error.http_status, '406');
        assert.match(error.description, /application\/taxii\+json;version=2\.1/);
      });

      it('rejects TAXII 2.0 in Accept', async () => {
        const res = await t.request({
          method: 'GET',
          url: '/taxii2/',
          headers: { accept: 'application/taxii+json;version=2.0' },
        });
        assert.equal(res.statusCode, 406);
      });

      it('rejects another Content-Type on POST with 415', async () => {
        const res = await t.request({
          method: 'POST',
          url: `${MEMBERS}/objects/`,
          token: pocFr.token,
          headers: { accept: TAXII_MEDIA_TYPE, 'content-type': 'application/json' },
          payload: JSON.stringify({ objects: [indicator()] }),
        });
        assert.equal(res.statusCode, 415);
        assert.equal(res.json<TaxiiErrorReply>().error_code, 'unsupported_media_type');
      });

      it('challenges the public on the members root', async () => {
        const res = await taxiiGet(t, `${MEMBERS}/objects/`);
        assert.equal(res.statusCode, 401);
        assert.equal(res.headers['www-authenticate'], 'Basic realm="parley"');
        assert.equal(res.json<TaxiiErrorReply>().http_status, '401');
      });

      it('challenges a wrong password with a TAXII 401', async () => {
        const basic = Buffer.from(`${pocFr.email}:wrong-token`).toString('base64');
        const res = await t.request({
          method: 'GET',
          url: '/taxii2/members/',
          headers: { accept: TAXII_MEDIA_TYPE, authorization: `Basic ${basic}` },
        });
        assert.equal(res.statusCode, 401);
        assert.equal(res.headers['www-authenticate'], 'Basic realm="parley"');
        assert.equal(res.headers['content-type'], TAXII_MEDIA_TYPE);
      });

      it('accepts HTTP Basic with e-mail and API token', async () => {
        const basic = Buffer.from(`${pocFr.email}:${pocFr.token}`).toString('base64');
        const res = await t.request({
          method: 'GET',
          url: '/taxii2/members/collections/',
          headers: { accept: TAXII_MEDIA_TYPE, authorization: `Basic ${basic}` },
        });
        assert.equal(res.statusCode, 200);
      });
    });

    describe('objects', () => {
      it('round-trips exact timestamps and versions', async () => {
        const object = {
          type: 'indicator',
          spec_version: '2.1',
          id: 'indicator--6f1a2c3e-9b7d-4e21-8c55-0d2f4a6b8e91',
          created: '2024-03-05T08:15:30.000Z',
          modified: '2024-03-05T08:15:30.123456Z',
          pattern: "[ipv4-addr:value = '203.0.113.9']",
          pattern_type: 'stix',
          valid_from: '2024-03-05T08:15:30Z',
          object_marking_refs: [tlp2MarkingIds.green],
        };
        const status = await postOk(pocFr.token, [object]);
        assert.equal(status.success_count, 1);

        const base = `${MEMBERS}/objects/${object.id}/`;
        const exact = await taxiiGet(
          t,
          `${base}?match[version]=2024-03-05T08:15:30.123456Z`,
          pocDe.token,
        );
        assert.equal(exact.statusCode, 200);
        assert.ok(exact.body.includes('"created":"2024-03-05T08:15:30.000Z"'), exact.body);
        assert.ok(exact.body.includes('"modified":"2024-03-05T08:15:30.123456Z"'), exact.body);
        assert.deepEqual(exact.json<Envelope>().objects, [object]);

        const millisecond = await taxiiGet(
          t,
          `${base}?match[version]=2024-03-05T08:15:30.123Z`,
          pocDe.token,
        );
        assert.equal(millisecond.json<Envelope>().objects, undefined);

        const manifest = await taxiiGet(
          t,
          `${MEMBERS}/manifest/?match[id]=${object.id}`,
          pocDe.token,
        );
        const records = manifest.json<{ objects: { version: string; media_type: string }[] }>();
        const [record] = records.objects;
        assert.ok(record);
        assert.equal(record.version, '2024-03-05T08:15:30.123456Z');
        assert.equal(record.media_type, 'application/stix+json;version=2.1');
      });

      it('writes RFC 3339 date-added headers', async () => {
        const now = t.clock.now().getTime();
        t.clock.advance(Date.parse('2020-02-20T22:10:20Z') - now);
        const object = indicator({ object_marking_refs: [tlp2MarkingIds.clear] });
        await postOk(pocFr.token, [object]);
        t.clock.advance(now - t.clock.now().getTime());

        const res = await taxiiGet(t, `${PUBLIC}/objects/?limit=1`);
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers['x-taxii-date-added-first'], '2020-02-20T22:10:20.000Z');
        assert.equal(res.headers['x-taxii-date-added-last'], '2020-02-20T22:10:20.000Z');
        assert.match(res.headers['x-taxii-date-added-first'] ?? '', RFC3339);

        const empty = await taxiiGet(t, `${PUBLIC}/objects/?added_after=2999-01-01T00:00:00Z`);
        assert.equal(empty.statusCode, 200);
        assert.equal(empty.headers['x-taxii-date-added-first'], undefined);
        assert.equal(empty.headers['x-taxii-date-added-last'], undefined);
        assert.deepEqual(empty.json(), { more: false });
      });

      it('rejects two TLP levels naming both, and never serves it', async () => {
        const object = indicator({
          object_marking_refs: [tlp2MarkingIds.clear, tlp2MarkingIds.red],
        });
        const status = await postOk(pocFr.token, [object]);
        assert.equal(status.success_count, 0);
        assert.equal(status.failure_count, 1);
        assert.equal(status.failures[0]?.id, object.id);
        assert.match(status.failures[0]?.message ?? '', /TLP:CLEAR and TLP:RED/);

        const stored = await t.ctx.db
          .selectFrom('stix_objects')
          .select('seq')
          .where('object_id', '=', String(object.id))
          .execute();
        assert.equal(stored.length, 0);
        const publicRead = await taxiiGet(t, `${PUBLIC}/objects/${String(object.id)}/`);
        assert.equal(publicRead.statusCode, 404);
        const list = await taxiiGet(t, `${PUBLIC}/objects/?match[id]=${String(object.id)}`);
        assert.equal(list.json<Envelope>().objects, undefined);
      });

      it('fails a pattern nested too deep', async () => {
        const deep = indicator({
          object_marking_refs: [tlp2MarkingIds.green],
          pattern: `${'('.repeat(2400)}[file:name = 'x']${')'.repeat(2400)}`,
        });
        const good = indicator({ object_marking_refs: [tlp2MarkingIds.green] });
        const status = await postOk(pocFr.token, [deep, good]);
        assert.equal(status.success_count, 1);
        assert.equal(status.failure_count, 1);
        assert.equal(status.failures[0]?.id, deep.id);
        assert.match(
          status.failures[0]?.message ?? '',
          /pattern: invalid STIX pattern at position 64: .*nested more than 64 levels deep/,
        );
        const read = await taxiiGet(t, `${MEMBERS}/objects/${String(deep.id)}/`, pocFr.token);
        assert.equal(read.statusCode, 404);
      });

      it('holds exactly the TLP:CLEAR objects in the public collection', async () => {
        const clear = indicator({ object_marking_refs: [tlp2MarkingIds.clear] });
        const green = indicator({ object_marking_refs: [tlp2MarkingIds.green] });
        await postOk(pocFr.token, [clear, green]);
        const ids = `${String(clear.id)},${String(green.id)}`;

        const anonymous = await taxiiGet(t, `${PUBLIC}/objects/?match[id]=${ids}`);
        assert.deepEqual(
          anonymous.json<Envelope>().objects?.map((o) => o.id),
          [clear.id],
        );
        const member = await taxiiGet(t, `${PUBLIC}/objects/?match[id]=${ids}`, pocDe.token);
        assert.deepEqual(
          member.json<Envelope>().objects?.map((o) => o.id),
          [clear.id],
        );
        const both = await taxiiGet(t, `${MEMBERS}/objects/?match[id]=${ids}`, pocDe.token);
        assert.equal(both.json<Envelope>().objects?.length, 2);
      });

      it('keeps unreadable objects indistinguishable from absent ones', async () => {
        const amber = indicator({ object_marking_refs: [tlp2MarkingIds.amber] });
        await postOk(pocFr.token, [amber]);
        const hidden = await taxiiGet(t, `${MEMBERS}/objects/${String(amber.id)}/`, pocDe.token);
        const absent = await taxiiGet(
          t,
          `${MEMBERS}/objects/${String(indicator().id)}/`,
          pocDe.token,
        );
        assert.equal(hidden.statusCode, 404);
        assert.equal(absent.statusCode, 404);
        assert.equal(
          hidden.json<TaxiiErrorReply>().description,
          absent.json<TaxiiErrorReply>().description,
        );
        const versions = await taxiiGet(
          t,
          `${MEMBERS}/objects/${String(amber.id)}/versions/`,
          pocDe.token,
        );
        assert.equal(versions.statusCode, 404);
        const manifest = await taxiiGet(
          t,
          `${MEMBERS}/manifest/?match[id]=${String(amber.id)}`,
          pocDe.token,
        );
        assert.deepEqual(manifest.json(), { more: false });
        assert.equal(manifest.headers['x-taxii-date-added-first'], undefined);
      });

      it('resolves the TLP 2.0 marking definitions by id', async () => {
        const res = await taxiiGet(t, `${PUBLIC}/objects/${tlp2MarkingIds['amber+strict']}/`);
        assert.equal(res.statusCode, 200);
        const definition = res.json<Envelope>().objects?.[0];
        assert.ok(definition);
        assert.equal(definition.id, tlp2MarkingIds['amber+strict']);
        assert.equal(definition.name, 'TLP:AMBER+STRICT');
      });
    });

    describe('filters', () => {
      const id = 'indicator--0b9c6a3e-1d2f-4e5a-8b7c-9d0e1f2a3b4c';
      const v1 = indicator({
        id,
        modified: '2024-03-05T08:15:30.000Z',
        object_marking_refs: [tlp2MarkingIds.green],
      });
      const v2 = indicator({
        id,
        modified: '2024-03-06T08:15:30.000Z',
        object_marking_refs: [tlp2MarkingIds.green],
      });
      const v3 = indicator({
        id,
        modified: '2024-03-07T08:15:30.000Z',
        object_marking_refs: [tlp2MarkingIds.green],
      });
      const malware = {
        type: 'malware',
        spec_version: '2.1',
        id: 'malware--4c3b2a1f-0e9d-4c8b-a7a6-b5c4d3e2f1a0',
        created: '2024-03-05T08:15:30.000Z',
        modified: '2024-03-05T08:15:30.000Z',
        is_family: false,
        object_marking_refs: [tlp2MarkingIds.green],
      };
      let firstAdded = '';

      before(async () => {
        t.clock.advance(1000);
        firstAdded = t.clock.now().toISOString();
        await postOk(pocFr.token, [v1, malware]);
        t.clock.advance(1000);
        await postOk(pocFr.token, [v2, v3]);
      });

      async function versionsOf(query: string): Promise<unknown[]> {
        const res = await taxiiGet(t, `${MEMBERS}/objects/?match[id]=${id}${query}`, pocDe.token);
        assert.equal(res.statusCode, 200, res.body);

        return (res.json<Envelope>().objects ?? []).map((object) => object.modified);
      }

      it('returns the latest version by default', async () => {
        assert.deepEqual(await versionsOf(''), ['2024-03-07T08:15:30.000Z']);
      });

      it('returns first, last, all and exact versions', async () => {
        assert.deepEqual(await versionsOf('&match[version]=first'), ['2024-03-05T08:15:30.000Z']);
        assert.deepEqual(await versionsOf('&match[version]=first,last'), [
          '2024-03-05T08:15:30.000Z',
          '2024-03-07T08:15:30.000Z',
        ]);
        assert.equal((await versionsOf('&match[version]=all')).length, 3);
        assert.deepEqual(await versionsOf('&match[version]=2024-03-06T08:15:30Z'), [
          '2024-03-06T08:15:30.000Z',
        ]);
      });

      it('filters added_after strictly', async () => {
        const all = `&match[version]=all&added_after=${firstAdded}`;
        assert.deepEqual(await versionsOf(all), [
          '2024-03-06T08:15:30.000Z',
          '2024-03-07T08:15:30.000Z',
        ]);
      });

      it('ORs values and ANDs fields', async () => {
        const both = `${MEMBERS}/objects/?match[id]=${id},${malware.id}&match[type]=malware`;
        const res = await taxiiGet(t, both, pocDe.token);
        assert.deepEqual(
          res.json<Envelope>().objects?.map((o) => o.id),
          [malware.id],
        );
        const types = `${MEMBERS}/objects/?match[id]=${id},${malware.id}&match[type]=malware,indicator`;
        assert.equal((await taxiiGet(t, types, pocDe.token)).json<Envelope>().objects?.length, 2);
        const spec = `${MEMBERS}/objects/?match[id]=${id}&match[spec_version]=2.0`;
        assert.deepEqual((await taxiiGet(t, spec, pocDe.token)).json(), { more: false });
      });

      it('lists versions of one object', async () => {
        const res = await taxiiGet(t, `${MEMBERS}/objects/${id}/versions/`, pocDe.token);
        assert.equal(res.statusCode, 200);
        assert.deepEqual(res.json(), {
          more: false,
          versions: [
            '2024-03-05T08:15:30.000Z',
            '2024-03-06T08:15:30.000Z',
            '2024-03-07T08:15:30.000Z',
          ],
        });
      });

      it('rejects an invalid filter naming it', async () => {
        const res = await taxiiGet(t, `${MEMBERS}/objects/?match[version]=newest`, pocDe.token);
        assert.equal(res.statusCode, 422);
        assert.match(res.json<TaxiiErrorReply>().description, /match\[version\]/);
        const limit = await taxiiGet(t, `${MEMBERS}/objects/?limit=0`, pocDe.token);
        assert.equal(limit.statusCode, 422);
      });
    });

    describe('pagination', () => {
      it('pages a shared date_added without loss or repeat', async () => {
        const objects = Array.from({ length: 7 }, () =>
          indicator({ object_marking_refs: [tlp2MarkingIds.green], x_paging: true }),
        );
        t.clock.advance(1000);
        await postOk(pocFr.token, objects);
        const seen: string[] = [];
        let next: string | undefined;
        const since = `added_after=${new Date(t.clock.now().getTime() - 1).toISOString()}`;
        do {
          const cursor = next === undefined ? '' : `&next=${encodeURIComponent(next)}`;
          const res = await taxiiGet(
            t,
            `${MEMBERS}/objects/?limit=2&${since}${cursor}`,
            pocDe.token,
          );
          const page = res.json<Envelope>();
          seen.push(...(page.objects ?? []).map((object) => String(object.id)));
          next = page.more ? page.next : undefined;
        } while (next !== undefined);
        assert.equal(seen.length, 7);
        assert.equal(new Set(seen).size, 7);
        assert.deepEqual(new Set(seen), new Set(objects.map((object) => String(object.id))));
      });

      it('rejects a tampered cursor with a TAXII 400', async () => {
        const first = await taxiiGet(t, `${MEMBERS}/objects/?limit=1`, pocDe.token);
        const next = first.json<Envelope>().next ?? '';
        assert.notEqual(next, '');
        const [body = '', signature = ''] = next.split('.');
        const decoded = JSON.parse(Buffer.from(body, 'base64url').toString()) as {
          position: { seq: number };
        };
        decoded.position.seq = 0;
        const forged = `${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${signature}`;
        const res = await taxiiGet(t, `${MEMBERS}/objects/?next=${forged}`, pocDe.token);
        assert.equal(res.statusCode, 400);
        assert.equal(res.headers['content-type'], TAXII_MEDIA_TYPE);
        assert.match(res.json<TaxiiErrorReply>().description, /cursor is invalid/);
      });

      it('rejects a cursor reused with other filters', async () => {
        const first = await taxiiGet(t, `${MEMBERS}/objects/?limit=1`, pocDe.token);
        const next = encodeURIComponent(first.json<Envelope>().next ?? '');
        const res = await taxiiGet(
          t,
          `${MEMBERS}/objects/?match[type]=malware&next=${next}`,
          pocDe.token,
        );
        assert.equal(res.statusCode, 400);
        const manifest = await taxiiGet(t, `${MEMBERS}/manifest/?next=${next}`, pocDe.token);
        assert.equal(manifest.statusCode, 400);
      });
    });

    describe('status and delete', () => {
      it('shows a status to its requester and the secretariat only', async () => {
        const status = await postOk(pocFr.token, [indicator(), { type: 'indicator' }]);
        assert.equal(status.status, 'complete');
        assert.equal(status.total_count, 2);
        assert.equal(status.success_count, 1);
        assert.equal(status.failure_count, 1);
        assert.equal(status.failures[0]?.id, 'objects[1]');

        const url = `/taxii2/members/status/${status.id}/`;
        const own = await taxiiGet(t, url, pocFr.token);
        assert.equal(own.statusCode, 200);
        assert.deepEqual(own.json(), status);
        assert.equal((await taxiiGet(t, url, secretariat.token)).statusCode, 200);
        assert.equal((await taxiiGet(t, url, pocDe.token)).statusCode, 404);
      });

      it('lets only the sharer or secretariat delete', async () => {
        const object = indicator({ object_marking_refs: [tlp2MarkingIds.green] });
        await postOk(pocFr.token, [object]);
        const url = `${MEMBERS}/objects/${String(object.id)}/`;
        const del = (token: string) =>
          t.request({ method: 'DELETE', url, token, headers: { accept: TAXII_MEDIA_TYPE } });

        assert.equal((await del(pocDe.token)).statusCode, 403);
        assert.equal((await taxiiGet(t, url, pocDe.token)).statusCode, 200);
        assert.equal((await del(pocFr.token)).statusCode, 200);
        assert.equal((await taxiiGet(t, url, pocDe.token)).statusCode, 404);
        assert.equal((await del(secretariat.token)).statusCode, 404);
      });

      it('holds a partner post pending until moderation', async () => {
        const object = indicator({ object_marking_refs: [tlp2MarkingIds.green] });
        const res = await taxiiPost(t, partner.token, [object]);
        assert.equal(res.statusCode, 202, res.body);
        const pending = res.json<StatusResource>();
        assert.equal(pending.status, 'pending');
        assert.equal(pending.pending_count, 1);
        assert.deepEqual(pending.pendings, [{ id: object.id, version: object.modified }]);
        const url = `${MEMBERS}/objects/${String(object.id)}/`;
        assert.equal((await taxiiGet(t, url, pocDe.token)).statusCode, 404);

        const decided = await t.request({
          method: 'POST',
          url: `/api/v1/moderation/${pending.id}/decision`,
          token: secretariat.token,
          payload: { decision: 'approve' },
        });
        assert.equal(decided.statusCode, 200, decided.body);
        const status = await taxiiGet(t, `/taxii2/members/status/${pending.id}/`, partner.token);
        const complete = status.json<StatusResource>();
        assert.equal(complete.status, 'complete');
        assert.equal(complete.success_count, 1);
        assert.equal(complete.pending_count, 0);
        assert.equal((await taxiiGet(t, url, pocDe.token)).statusCode, 200);
      });

      it('fails every object of a rejected partner post', async () => {
        const res = await taxiiPost(t, partner.token, [indicator(), indicator()]);
        const pending = res.json<StatusResource>();
        await t.request({
          method: 'POST',
          url: `/api/v1/moderation/${pending.id}/decision`,
          token: secretariat.token,
          payload: { decision: 'reject', reason: 'no source given' },
        });
        const status = await taxiiGet(t, `/taxii2/members/status/${pending.id}/`, partner.token);
        const complete = status.json<StatusResource>();
        assert.equal(complete.status, 'complete');
        assert.equal(complete.failure_count, 2);
        assert.match(complete.failures[0]?.message ?? '', /no source given/);
      });

      it('rejects writes to the public collection', async () => {
        const res = await taxiiPost(t, pocFr.token, [indicator()], PUBLIC);
        assert.equal(res.statusCode, 403);
        assert.equal(res.json<TaxiiErrorReply>().http_status, '403');
      });
    });
  });
}
