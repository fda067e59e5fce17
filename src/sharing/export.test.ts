import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { TAXII_MEDIA_TYPE } from '../taxii/taxii.media.ts';
import { indicator, MEMBERS, taxiiGet, type Envelope } from '../taxii/taxii.test-helpers.ts';
import { tlp2MarkingIds } from './tlp.ts';

type StixObject = Record<string, unknown>;

const TLP1_AMBER = 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82';

for (const dialect of testDialects) {
  describe(`STIX file export on ${dialect}`, () => {
    let t: TestApp;
    let other: TestApp;
    let sharer: TestAccount;
    let reader: TestAccount;
    const strict = indicator({ labels: ['tlp:amber+strict', 'scanner'] });
    const clear = indicator({ labels: ['TLP:CLEAR'] });
    const legacy = indicator({ object_marking_refs: [TLP1_AMBER], labels: ['tlp:amber'] });

    before(async () => {
      t = await startTestApp(dialect);
      other = await startTestApp(dialect);
      sharer = await t.createAccount('poc', { state: 'FR' });
      reader = await t.createAccount('poc', { state: 'DE' });
      for (const [object, tlp] of [
        [strict, 'amber+strict'],
        [clear, 'clear'],
        [legacy, 'amber'],
      ] as const) {
        const res = await t.request({
          method: 'POST',
          url: `/api/v1/bundles?tlp=${encodeURIComponent(tlp)}`,
          token: sharer.token,
          payload: { type: 'bundle', objects: [object] },
        });
        assert.equal(res.statusCode, 201, res.body);
      }
    });
    after(async () => {
      await t.close();
      await other.close();
    });

    async function exportAs(token?: string, query = ''): Promise<StixObject[]> {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/export/stix${query}`,
        ...(token === undefined ? {} : { token }),
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/stix+json;version=2.1');
      const bundle = res.json<{ type: string; objects: StixObject[] }>();
      assert.equal(bundle.type, 'bundle');

      return bundle.objects;
    }

    function byId(objects: StixObject[], id: unknown): StixObject | undefined {
      return objects.find((object) => object.id === id);
    }

    it('exports exactly the TLP 2.0 marking ids', async () => {
      const objects = await exportAs(sharer.token);
      assert.deepEqual(byId(objects, strict.id)?.object_marking_refs, [
        tlp2MarkingIds['amber+strict'],
      ]);
      assert.deepEqual(byId(objects, clear.id)?.object_marking_refs, [tlp2MarkingIds.clear]);
      assert.deepEqual(byId(objects, legacy.id)?.object_marking_refs, [tlp2MarkingIds.amber]);
    });

    it('drops tlp labels and keeps the others', async () => {
      const objects = await exportAs(sharer.token);
      assert.deepEqual(byId(objects, strict.id)?.labels, ['scanner']);
      assert.equal(byId(objects, clear.id)?.labels, undefined);
      assert.equal(byId(objects, legacy.id)?.labels, undefined);
    });

    it('includes the referenced TLP 2.0 definitions', async () => {
      const objects = await exportAs(sharer.token);
      for (const level of ['amber+strict', 'clear', 'amber'] as const) {
        const definition = byId(objects, tlp2MarkingIds[level]);
        assert.ok(definition, `definition of ${level} missing`);
        assert.equal(definition.type, 'marking-definition');
      }
      assert.equal(byId(objects, tlp2MarkingIds.red), undefined);
    });

    it('serves the same markings over TAXII', async () => {
      const res = await taxiiGet(
        t,
        `${MEMBERS}/objects/?match[id]=${String(strict.id)},${String(clear.id)}`,
        sharer.token,
      );
      const objects = res.json<Envelope>().objects ?? [];
      assert.deepEqual(byId(objects, strict.id)?.object_marking_refs, [
        tlp2MarkingIds['amber+strict'],
      ]);
      assert.deepEqual(byId(objects, clear.id)?.object_marking_refs, [tlp2MarkingIds.clear]);
      for (const object of objects) {
        const labels = (object.labels ?? []) as string[];
        assert.equal(labels.filter((label) => /^tlp:/i.test(label)).length, 0);
      }
    });

    it('resolves the definitions by id on both APIs', async () => {
      const json = await t.request({
        method: 'GET',
        url: `/api/v1/objects/${tlp2MarkingIds['amber+strict']}`,
      });
      assert.equal(json.statusCode, 200);
      assert.equal(json.json<StixObject>().name, 'TLP:AMBER+STRICT');
      const taxii = await t.request({
        method: 'GET',
        url: `${MEMBERS}/objects/${tlp2MarkingIds.clear}/`,
        token: reader.token,
        headers: { accept: TAXII_MEDIA_TYPE },
      });
      assert.equal(taxii.json<Envelope>().objects?.[0]?.name, 'TLP:CLEAR');
    });

    it('exports only what the caller may read', async () => {
      const publicIds = (await exportAs()).map((object) => object.id);
      assert.ok(publicIds.includes(clear.id));
      assert.ok(!publicIds.includes(strict.id));
      assert.ok(!publicIds.includes(legacy.id));
      const readerIds = (await exportAs(reader.token)).map((object) => object.id);
      assert.ok(!readerIds.includes(strict.id));
      assert.ok(!readerIds.includes(legacy.id));
    });

    it('filters by type and added_after', async () => {
      assert.equal((await exportAs(sharer.token, '?type=malware')).length, 0);
      const later = await exportAs(sharer.token, '?added_after=2999-01-01T00:00:00Z');
      assert.equal(later.length, 0);
      const bad = await t.request({ method: 'GET', url: '/api/v1/export/stix?added_after=soon' });
      assert.equal(bad.statusCode, 422);
    });

    it('imports the export back at the same levels', async () => {
      const objects = await exportAs(sharer.token);
      const importer = await other.createAccount('secretariat');
      const res = await other.request({
        method: 'POST',
        url: '/api/v1/bundles',
        token: importer.token,
        payload: { type: 'bundle', objects },
      });
      assert.equal(res.statusCode, 201, res.body);
      const rows = await other.ctx.db
        .selectFrom('stix_objects')
        .select(['object_id', 'tlp'])
        .where('object_id', 'in', [String(strict.id), String(clear.id), String(legacy.id)])
        .execute();
      const levels = Object.fromEntries(rows.map((row) => [row.object_id, row.tlp]));
      assert.equal(levels[String(strict.id)], 'amber+strict');
      assert.equal(levels[String(clear.id)], 'clear');
      assert.equal(levels[String(legacy.id)], 'amber');
    });

    it('pages through more objects than one read batch', async () => {
      const many = Array.from({ length: 2_345 }, () => indicator());
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/bundles?tlp=green',
        token: sharer.token,
        payload: { type: 'bundle', objects: many },
      });
      assert.equal(res.statusCode, 201, res.body);

      const exported = await exportAs(reader.token, '?type=indicator');
      const ids = exported.map((object) => object.id);
      assert.equal(new Set(ids).size, ids.length, 'no object twice');
      for (const object of many) assert.ok(ids.includes(object.id), String(object.id));
      assert.ok(ids.includes(clear.id));
      const definitions = (await exportAs(reader.token)).filter(
        (object) => object.type === 'marking-definition',
      );
      assert.deepEqual(
        definitions.map((definition) => definition.id).sort(),
        [tlp2MarkingIds.clear, tlp2MarkingIds.green].sort(),
      );
    });
  });
}

const TLP1_RED = 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed';

for (const dialect of testDialects) {
  describe(`STIX export of granular markings on ${dialect}`, () => {
    let t: TestApp;
    let sharer: TestAccount;
    const marked = indicator({
      object_marking_refs: [tlp2MarkingIds.green],
      granular_markings: [{ marking_ref: TLP1_RED, selectors: ['name'] }],
    });

    before(async () => {
      t = await startTestApp(dialect);
      sharer = await t.createAccount('poc', { state: 'CH' });
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/bundles?tlp=green',
        token: sharer.token,
        payload: { type: 'bundle', objects: [marked] },
      });
      assert.equal(res.statusCode, 201, res.body);
    });
    after(() => t.close());

    for (const query of ['', '?type=indicator', '?added_after=2000-01-01T00:00:00Z']) {
      it(`includes granular TLP 1.0 definitions${query}`, async () => {
        const res = await t.request({
          method: 'GET',
          url: `/api/v1/export/stix${query}`,
          token: sharer.token,
        });
        assert.equal(res.statusCode, 200, res.body);
        const objects = res.json<{ objects: StixObject[] }>().objects;
        const exported = objects.find((object) => object.id === marked.id);
        assert.deepEqual(exported?.granular_markings, marked.granular_markings);
        const definition = objects.find((object) => object.id === TLP1_RED);
        assert.ok(definition, 'TLP 1.0 RED definition missing');
        assert.equal(definition.type, 'marking-definition');
        assert.deepEqual(definition.definition, { tlp: 'red' });
        const definitions = objects.filter((object) => object.type === 'marking-definition');
        assert.equal(definitions.length, new Set(definitions.map((d) => d.id)).size);
      });
    }

    it('resolves a TLP 1.0 definition by id on both APIs', async () => {
      const json = await t.request({ method: 'GET', url: `/api/v1/objects/${TLP1_RED}` });
      assert.equal(json.statusCode, 200, json.body);
      assert.equal(json.json<StixObject>().name, 'TLP:RED');
      const taxii = await t.request({
        method: 'GET',
        url: `${MEMBERS}/objects/${TLP1_RED}/`,
        token: sharer.token,
        headers: { accept: TAXII_MEDIA_TYPE },
      });
      assert.equal(taxii.statusCode, 200, taxii.body);
      assert.equal(taxii.json<Envelope>().objects?.[0]?.name, 'TLP:RED');
    });
  });
}
