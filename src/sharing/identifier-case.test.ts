import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { lowerCaseStixIds } from '../db/migrations/2026-12-05-60-lower-case-stix-ids.ts';
import {
  indicator,
  MEMBERS,
  taxiiGet,
  taxiiPost,
  type Envelope,
} from '../taxii/taxii.test-helpers.ts';
import type { ModerationSummary } from './moderation.service.ts';
import { versionKey } from './stix-validation.ts';
import { tlp2MarkingIds } from './tlp.ts';

const ID = 'indicator--6f1a2c3e-9b7d-4e21-8c55-0d2f4a6b8e91';
const UPPER_ID = upper(ID);

interface StatusReply {
  success_count: number;
  failures: { id: string; message: string }[];
}

function bundleOf(objects: unknown[]) {
  return { type: 'bundle', id: 'bundle--99999999-0000-4000-8000-000000000001', objects };
}

/** Returns a copy of an id with its UUID in upper case, as some tools write it. */
function upper(id: string): string {
  const [type, uuid] = id.split('--');

  return `${type ?? ''}--${(uuid ?? '').toUpperCase()}`;
}

function forgery() {
  return indicator({
    id: UPPER_ID,
    modified: '2025-01-01T00:00:00.000Z',
    name: 'forged by KE',
    pattern: "[ipv4-addr:value = '8.8.8.8']",
    object_marking_refs: [tlp2MarkingIds.green],
  });
}

for (const dialect of testDialects) {
  describe(`STIX identifier case on ${dialect}`, () => {
    let t: TestApp;
    let swiss: TestAccount;
    let kenyan: TestAccount;
    let kenyanEditor: TestAccount;
    let partner: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      swiss = await t.createAccount('poc', { state: 'CH' });
      kenyan = await t.createAccount('poc', { state: 'KE' });
      kenyanEditor = await t.createAccount('state-editor', { state: 'KE' });
      partner = await t.createAccount('partner', { org: 'Example Hunters' });
      await insertPoc(t.ctx, { state: 'CH', email: swiss.email });
      const original = indicator({ id: ID, name: 'original by CH' });
      const res = await share(swiss, bundleOf([original]), 'green');
      assert.equal(res.statusCode, 201, res.body);
    });
    after(() => t.close());

    function share(account: TestAccount, body: object, tlp: string) {
      return t.request({
        method: 'POST',
        url: `/api/v1/bundles?tlp=${tlp}`,
        token: account.token,
        payload: body,
      });
    }

    /** Lists every stored version of the id, whatever the case it was stored in. */
    function versionsOf(id: string) {
      return t.ctx.db
        .selectFrom('stix_objects')
        .select(['object_id', 'sharer_state', 'data', 'tlp'])
        .where((eb) => eb(eb.fn('lower', ['object_id']), '=', id.toLowerCase()))
        .orderBy('seq')
        .execute();
    }

    it('rejects an upper-case copy of another state’s id', async () => {
      const res = await share(kenyan, bundleOf([forgery()]), 'green');
      assert.equal(res.statusCode, 422, res.body);
      assert.match(res.body, /only its creator adds versions/);

      const rows = await versionsOf(ID);
      assert.deepEqual(
        rows.map((row) => [row.object_id, row.sharer_state]),
        [[ID, 'CH']],
      );
      const page = await taxiiGet(
        t,
        `${MEMBERS}/objects/?match[id]=${UPPER_ID},${ID}&match[version]=all`,
        kenyan.token,
      );
      const names = (page.json<Envelope>().objects ?? []).map((object) => object.name);
      assert.deepEqual(names, ['original by CH']);
    });

    it('rejects an upper-case copy posted over TAXII', async () => {
      const res = await taxiiPost(t, kenyan.token, [forgery()]);
      assert.equal(res.statusCode, 202, res.body);
      const status = res.json<StatusReply>();
      assert.equal(status.success_count, 0);
      assert.equal(status.failures[0]?.id, ID);
      assert.match(status.failures[0].message, /only its creator adds versions/);
      assert.equal((await versionsOf(ID)).length, 1);
    });

    it('rejects an upper-case copy approved from moderation', async () => {
      const submitted = await t.request({
        method: 'POST',
        url: '/api/v1/moderation?states=KE',
        token: partner.token,
        payload: bundleOf([forgery()]),
      });
      assert.equal(submitted.statusCode, 202, submitted.body);
      const item = submitted.json<ModerationSummary>();

      const decided = await t.request({
        method: 'POST',
        url: `/api/v1/moderation/${item.id}/decision`,
        token: kenyanEditor.token,
        payload: { decision: 'approve' },
      });
      assert.equal(decided.statusCode, 200, decided.body);
      assert.deepEqual(decided.json<ModerationSummary>().result, { stored: 0, rejected: 1 });
      assert.equal((await versionsOf(ID)).length, 1);
    });

    it('stores ids and references in lower case', async () => {
      const actorId = 'threat-actor--0b5bfa2e-7d0c-4d6b-9a41-6c3a3a8f9e10';
      const identityId = 'identity--1621d4d4-b67d-41e3-9670-f01faf20d111';
      const relationshipId = 'relationship--57b56a43-b8b0-4cba-9deb-34e3e1faed9e';
      const actor = {
        type: 'threat-actor',
        spec_version: '2.1',
        id: upper(actorId),
        created: '2024-04-01T00:00:00.000Z',
        modified: '2024-04-01T00:00:00.000Z',
        name: 'Grey Heron',
        created_by_ref: upper(identityId),
        object_marking_refs: [upper(tlp2MarkingIds.green)],
      };
      const relationship = {
        type: 'relationship',
        spec_version: '2.1',
        id: upper(relationshipId),
        created: '2024-04-01T00:00:00.000Z',
        modified: '2024-04-01T00:00:00.000Z',
        relationship_type: 'indicates',
        source_ref: UPPER_ID,
        target_ref: upper(actorId),
        granular_markings: [{ marking_ref: upper(tlp2MarkingIds.green), selectors: ['name'] }],
        object_marking_refs: [tlp2MarkingIds.green],
      };
      const res = await share(swiss, bundleOf([actor, relationship]), '');
      assert.equal(res.statusCode, 201, res.body);

      const [storedActor] = await versionsOf(actorId);
      assert.equal(storedActor?.object_id, actorId);
      // The upper-case copy of the TLP:GREEN marking id is the marking, not an unknown one.
      assert.equal(storedActor.tlp, 'green');
      const actorData = JSON.parse(storedActor.data) as Record<string, unknown>;
      assert.equal(actorData.id, actorId);
      assert.equal(actorData.created_by_ref, identityId);
      assert.deepEqual(actorData.object_marking_refs, [tlp2MarkingIds.green]);

      const [storedRelationship] = await versionsOf(relationshipId);
      const data = JSON.parse(storedRelationship?.data ?? '{}') as {
        source_ref: string;
        target_ref: string;
        granular_markings: { marking_ref: string }[];
      };
      assert.equal(storedRelationship?.object_id, relationshipId);
      assert.equal(data.source_ref, ID);
      assert.equal(data.target_ref, actorId);
      assert.equal(data.granular_markings[0]?.marking_ref, tlp2MarkingIds.green);
    });

    it('adds the creator’s upper-case version to the same object', async () => {
      const version = indicator({
        id: UPPER_ID,
        modified: '2024-06-01T00:00:00.000Z',
        name: 'second version by CH',
      });
      const res = await share(swiss, bundleOf([version]), 'green');
      assert.equal(res.statusCode, 201, res.body);

      const versions = await taxiiGet(t, `${MEMBERS}/objects/${UPPER_ID}/versions/`, kenyan.token);
      assert.equal(versions.statusCode, 200, versions.body);
      assert.deepEqual(versions.json<{ versions: string[] }>().versions, [
        '2024-03-05T08:15:30.000Z',
        '2024-06-01T00:00:00.000Z',
      ]);
    });

    it('reads an object by any case of its id', async () => {
      for (const id of [ID, UPPER_ID]) {
        const res = await t.request({
          method: 'GET',
          url: `/api/v1/objects/${id}`,
          token: kenyan.token,
        });
        assert.equal(res.statusCode, 200, `${id}: ${res.body}`);
        assert.equal(res.json<{ id: string }>().id, ID);

        const single = await taxiiGet(t, `${MEMBERS}/objects/${id}/`, kenyan.token);
        assert.equal(single.statusCode, 200, `${id}: ${single.body}`);
        assert.equal(single.json<Envelope>().objects?.[0]?.id, ID);

        const matched = await taxiiGet(t, `${MEMBERS}/objects/?match[id]=${id}`, kenyan.token);
        assert.equal(matched.json<Envelope>().objects?.length, 1);
      }
    });

    it('cites an object by an upper-case id in an alert', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: swiss.token,
        payload: {
          title: 'Indicator seen again',
          severity: 2,
          tlp: 'green',
          body: 'See the cited indicator.',
          states: ['CH'],
          objectIds: [UPPER_ID],
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const read = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${res.json<{ id: string }>().id}`,
        token: swiss.token,
      });
      assert.deepEqual(read.json<{ objectIds: string[] }>().objectIds, [ID]);
    });

    it('lower-cases ids stored before the migration', async () => {
      const legacyId = 'indicator--c7d3a1e5-2b4f-4a6e-9d8c-1f0e2d3c4b5a';
      const now = '2026-12-01T09:00:00.000Z';
      const row = (objectId: string, sharer: TestAccount, state: string, modified: string) => ({
        object_id: objectId,
        type: 'indicator',
        spec_version: '2.1',
        version: modified,
        version_key: versionKey(modified),
        date_added: now,
        tlp: 'green',
        pap: null,
        data: JSON.stringify(
          indicator({
            id: objectId,
            modified,
            name: `${state} ${modified}`,
            created_by_ref: upper('identity--1621d4d4-b67d-41e3-9670-f01faf20d111'),
          }),
        ),
        shared_by: sharer.id,
        sharer_state: state,
        sharer_org: null,
        kind: null,
        respond_by: null,
        community_id: null,
      });
      await t.ctx.db
        .insertInto('stix_objects')
        .values([
          row(upper(legacyId), swiss, 'CH', '2024-03-05T08:15:30.000Z'),
          row(legacyId, swiss, 'CH', '2024-04-05T08:15:30.000Z'),
          // Another state's version under the upper-case spelling: a forgery to remove.
          row(upper(legacyId), kenyan, 'KE', '2025-01-01T00:00:00.000Z'),
        ])
        .execute();
      const [forged] = await t.ctx.db
        .selectFrom('stix_objects')
        .select('seq')
        .where('sharer_state', '=', 'KE')
        .where('object_id', '=', upper(legacyId))
        .execute();
      await t.ctx.db
        .insertInto('stix_object_grants')
        .values({ object_seq: forged?.seq ?? 0, grantee_kind: 'state', grantee: 'KE' })
        .execute();
      // The alert of the previous test, as if it had cited the upper-case spelling.
      const alert = await t.ctx.db.selectFrom('alerts').select('id').executeTakeFirstOrThrow();
      await t.ctx.db
        .updateTable('alerts')
        .set({ object_ids: JSON.stringify([upper(legacyId)]) })
        .where('id', '=', alert.id)
        .execute();

      await lowerCaseStixIds.up(t.ctx.db);

      const rows = await versionsOf(legacyId);
      assert.deepEqual(
        rows.map((stored) => [stored.object_id, stored.sharer_state]),
        [
          [legacyId, 'CH'],
          [legacyId, 'CH'],
        ],
      );
      const data = JSON.parse(rows[0]?.data ?? '{}') as Record<string, unknown>;
      assert.equal(data.id, legacyId);
      assert.equal(data.created_by_ref, 'identity--1621d4d4-b67d-41e3-9670-f01faf20d111');
      const grants = await t.ctx.db
        .selectFrom('stix_object_grants')
        .select('object_seq')
        .where('object_seq', '=', forged?.seq ?? 0)
        .execute();
      assert.deepEqual(grants, []);
      const audit = await t.ctx.db
        .selectFrom('audit_log')
        .select(['target', 'details'])
        .where('action', '=', 'stix.version-removed')
        .execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]?.target, `stix-object:${legacyId}`);
      assert.match(audit[0].details, /2025-01-01T00:00:00.000Z/);
      const cited = await t.ctx.db
        .selectFrom('alerts')
        .select('object_ids')
        .where('id', '=', alert.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(cited.object_ids), [legacyId]);

      const read = await t.request({
        method: 'GET',
        url: `/api/v1/objects/${upper(legacyId)}`,
        token: kenyan.token,
      });
      assert.equal(read.json<{ name: string }>().name, 'CH 2024-04-05T08:15:30.000Z');
    });
  });
}
