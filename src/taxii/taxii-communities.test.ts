import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import type { CommunityView } from '../communities/communities.schema.ts';
import { tlp2MarkingIds } from '../sharing/tlp.ts';
import { MEMBERS_COLLECTION_ID } from './taxii.collections.ts';
import { indicator, MEMBERS, pageAll, PUBLIC, taxiiGet, taxiiPost } from './taxii.test-helpers.ts';

interface CollectionResource {
  id: string;
  title: string;
  can_read: boolean;
  can_write: boolean;
}

for (const dialect of testDialects) {
  describe(`TAXII collections per sharing community on ${dialect}`, () => {
    let t: TestApp;
    let secretariat: TestAccount;
    let frPoc: TestAccount;
    let jpPoc: TestAccount;
    let dePoc: TestAccount;
    let partner: TestAccount;
    let community: CommunityView;
    let path = '';

    before(async () => {
      t = await startTestApp(dialect);
      secretariat = await t.createAccount('secretariat');
      frPoc = await t.createAccount('poc', { state: 'FR' });
      jpPoc = await t.createAccount('poc', { state: 'JP' });
      dePoc = await t.createAccount('poc', { state: 'DE' });
      partner = await t.createAccount('partner', { org: 'Ocean CERT' });
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/communities',
        token: secretariat.token,
        payload: {
          name: 'CERTs of the Pacific',
          states: ['FR', 'JP'],
          organisations: ['Ocean CERT'],
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      community = res.json<CommunityView>();
      path = `/taxii2/members/collections/${community.id}`;
    });
    after(() => t.close());

    async function collectionsOf(token: string) {
      const res = await taxiiGet(t, '/taxii2/members/collections/', token);
      assert.equal(res.statusCode, 200);

      return res.json<{ collections: CollectionResource[] }>().collections;
    }

    it('lists the community to its members and the secretariat only, with their rights', async () => {
      const mine = (await collectionsOf(frPoc.token)).find((c) => c.id === community.id);
      assert.deepEqual(
        { title: mine?.title, can_read: mine?.can_read, can_write: mine?.can_write },
        { title: 'CERTs of the Pacific', can_read: true, can_write: true },
      );
      const partnerView = (await collectionsOf(partner.token)).find((c) => c.id === community.id);
      assert.equal(partnerView?.can_write, true);
      const secretariatView = (await collectionsOf(secretariat.token)).find(
        (c) => c.id === community.id,
      );
      assert.deepEqual(
        { can_read: secretariatView?.can_read, can_write: secretariatView?.can_write },
        { can_read: false, can_write: false },
      );
      assert.deepEqual(
        (await collectionsOf(dePoc.token)).map((c) => c.id),
        [MEMBERS_COLLECTION_ID],
      );

      const outsider = await taxiiGet(t, `${path}/`, dePoc.token);
      const unknown = await taxiiGet(
        t,
        `/taxii2/members/collections/${crypto.randomUUID()}/`,
        dePoc.token,
      );
      assert.equal(outsider.statusCode, 404);
      assert.equal(unknown.statusCode, 404);
      assert.equal((await taxiiGet(t, `${path}/objects/`, dePoc.token)).statusCode, 404);
      assert.equal((await taxiiGet(t, `${path}/objects/`, secretariat.token)).statusCode, 403);
    });

    it('keeps community posts to members', async () => {
      const green = indicator({ object_marking_refs: [tlp2MarkingIds.green] });
      const amber = indicator({ object_marking_refs: [tlp2MarkingIds.amber] });
      const clear = indicator({ object_marking_refs: [tlp2MarkingIds.clear] });
      const res = await taxiiPost(t, frPoc.token, [green, amber, clear], path);
      assert.equal(res.statusCode, 202, res.body);
      assert.equal(res.json<{ success_count: number }>().success_count, 3);
      const elsewhere = indicator({ object_marking_refs: [tlp2MarkingIds.green] });
      assert.equal((await taxiiPost(t, frPoc.token, [elsewhere])).statusCode, 202);

      const ids = (objects: Record<string, unknown>[]) => new Set(objects.map((o) => o.id));
      const inCommunity = await pageAll(t, `${path}/objects/?limit=2`, jpPoc.token);
      assert.deepEqual(ids(inCommunity.objects), new Set([green.id, amber.id, clear.id]));
      const manifest = await pageAll(t, `${path}/manifest/`, jpPoc.token);
      assert.equal(manifest.objects.length, 3);

      const jpAll = ids((await pageAll(t, `${MEMBERS}/objects/`, jpPoc.token)).objects);
      for (const object of [green, amber, elsewhere])
        assert.ok(jpAll.has(object.id), String(object.id));
      const deAll = ids((await pageAll(t, `${MEMBERS}/objects/`, dePoc.token)).objects);
      for (const object of [green, amber]) {
        assert.ok(!deAll.has(object.id), `a non-member reads ${String(object.id)}`);
      }
      for (const object of [clear, elsewhere]) assert.ok(deAll.has(object.id), String(object.id));
      const secretariatAll = ids(
        (await pageAll(t, `${MEMBERS}/objects/`, secretariat.token)).objects,
      );
      assert.ok(!secretariatAll.has(green.id));
      const publicAll = ids((await pageAll(t, `${PUBLIC}/objects/`)).objects);
      assert.ok(publicAll.has(clear.id));
      assert.ok(!publicAll.has(green.id));

      const json = (token: string, id: unknown) =>
        t.request({ method: 'GET', url: `/api/v1/objects/${String(id)}`, token });
      assert.equal((await json(jpPoc.token, amber.id)).statusCode, 200);
      assert.equal((await json(dePoc.token, amber.id)).statusCode, 404);
      assert.equal((await json(partner.token, green.id)).statusCode, 200);
      assert.equal((await json(partner.token, amber.id)).statusCode, 404, 'above clearance');
      const one = await taxiiGet(t, `${MEMBERS}/objects/${String(green.id)}/`, dePoc.token);
      assert.equal(one.statusCode, 404);
      const versions = await taxiiGet(
        t,
        `${MEMBERS}/objects/${String(green.id)}/versions/`,
        dePoc.token,
      );
      assert.equal(versions.statusCode, 404);
      const notHere = await taxiiGet(t, `${path}/objects/${String(elsewhere.id)}/`, jpPoc.token);
      assert.equal(notHere.statusCode, 404);
    });

    it('stops a removed member reading at once and hides an archived community', async () => {
      const object = indicator({ object_marking_refs: [tlp2MarkingIds.green] });
      assert.equal((await taxiiPost(t, jpPoc.token, [object], path)).statusCode, 202);
      const url = `/api/v1/objects/${String(object.id)}`;
      assert.equal((await t.request({ method: 'GET', url, token: frPoc.token })).statusCode, 200);

      const patch = await t.request({
        method: 'PATCH',
        url: `/api/v1/communities/${community.id}`,
        token: secretariat.token,
        payload: { states: ['JP'] },
      });
      assert.equal(patch.statusCode, 200, patch.body);
      assert.equal((await t.request({ method: 'GET', url, token: frPoc.token })).statusCode, 404);
      assert.equal((await taxiiGet(t, `${path}/`, frPoc.token)).statusCode, 404);
      assert.equal((await t.request({ method: 'GET', url, token: jpPoc.token })).statusCode, 200);

      const archived = await t.request({
        method: 'POST',
        url: `/api/v1/communities/${community.id}/archive`,
        token: secretariat.token,
      });
      assert.equal(archived.statusCode, 200);
      assert.equal((await taxiiGet(t, `${path}/`, jpPoc.token)).statusCode, 404);
      assert.equal((await t.request({ method: 'GET', url, token: jpPoc.token })).statusCode, 200);
      assert.equal((await t.request({ method: 'GET', url, token: dePoc.token })).statusCode, 404);
    });

    it('shares a bundle into a community through the JSON API, members only', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/api/v1/communities',
        token: secretariat.token,
        payload: { name: 'Alpine CERTs', states: ['DE'] },
      });
      const alpine = created.json<CommunityView>();
      const object = indicator({ object_marking_refs: [tlp2MarkingIds.green] });
      const upload = (token: string) =>
        t.request({
          method: 'POST',
          url: `/api/v1/bundles?community=${alpine.id}`,
          token,
          payload: { type: 'bundle', objects: [object] },
        });

      const refused = await upload(frPoc.token);
      assert.equal(refused.statusCode, 422);
      assert.equal(refused.json<{ errors: { field: string }[] }>().errors[0]?.field, 'community');
      const bad = await t.request({
        method: 'POST',
        url: '/api/v1/bundles?community=pacific',
        token: dePoc.token,
        payload: { type: 'bundle', objects: [object] },
      });
      assert.equal(bad.statusCode, 422);
      assert.equal((await upload(dePoc.token)).statusCode, 201);

      const alpinePath = `/taxii2/members/collections/${alpine.id}`;
      const listed = await pageAll(t, `${alpinePath}/objects/`, dePoc.token);
      assert.deepEqual(
        listed.objects.map((o) => o.id),
        [object.id],
      );
      const url = `/api/v1/objects/${String(object.id)}`;
      assert.equal((await t.request({ method: 'GET', url, token: frPoc.token })).statusCode, 404);
    });

    it('holds a partner post to its community for moderation, then shares it there', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/api/v1/communities',
        token: secretariat.token,
        payload: { name: 'Ocean Watch', states: ['JP'], organisations: ['Ocean CERT'] },
      });
      const ocean = created.json<CommunityView>();
      const oceanPath = `/taxii2/members/collections/${ocean.id}`;
      const object = indicator({ object_marking_refs: [tlp2MarkingIds.green] });
      const posted = await taxiiPost(t, partner.token, [object], oceanPath);
      assert.equal(posted.statusCode, 202, posted.body);
      const status = posted.json<{ id: string; status: string }>();
      assert.equal(status.status, 'pending');

      const decided = await t.request({
        method: 'POST',
        url: `/api/v1/moderation/${status.id}/decision`,
        token: secretariat.token,
        payload: { decision: 'approve', reason: 'checked' },
      });
      assert.equal(decided.statusCode, 200, decided.body);
      const listed = await pageAll(t, `${oceanPath}/objects/`, jpPoc.token);
      assert.deepEqual(
        listed.objects.map((o) => o.id),
        [object.id],
      );
      const url = `/api/v1/objects/${String(object.id)}`;
      assert.equal((await t.request({ method: 'GET', url, token: dePoc.token })).statusCode, 404);
    });
  });
}
