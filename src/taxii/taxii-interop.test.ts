import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { testDialects } from '../../test/support/database.ts';
import { TaxiiClient, TAXII_21 } from '../../test/support/taxii-client.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { tlp2MarkingIds } from '../sharing/tlp.ts';
import { MEMBERS_COLLECTION_ID } from './taxii.collections.ts';
import { indicator } from './taxii.test-helpers.ts';

const run = promisify(execFile);

type JsonObject = Record<string, unknown>;

/** Finds a free loopback port, so the public URL can name it before the app starts. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no port'));
        else resolve(address.port);
      });
    });
  });
}

for (const dialect of testDialects) {
  describe(`TAXII clients over a real socket on ${dialect}`, () => {
    let t: TestApp;
    let poc: TestAccount;
    let base = '';

    before(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      t = await startTestApp(dialect, { publicUrl: base });
      await t.app.listen({ host: '127.0.0.1', port });
      poc = await t.createAccount('poc', { state: 'FR' });
    });
    after(() => t.close());

    it('discovers, posts, polls and pages with a spec client', async () => {
      const client = new TaxiiClient(`${base}/taxii2/`, poc.email, poc.token);
      const discovery = await client.discover();
      const root = discovery.default ?? '';
      assert.equal(root, `${base}/taxii2/members/`);
      assert.ok(discovery.api_roots?.includes(root));

      const collections = await client.collections(root);
      const writable = collections.find((collection) => collection.can_write);
      assert.ok(writable, 'no writable collection');
      assert.equal(writable.id, MEMBERS_COLLECTION_ID);

      const objects = Array.from({ length: 25 }, (_, i) =>
        indicator({
          object_marking_refs: [tlp2MarkingIds.green],
          pattern: `[domain-name:value = 'host${i}.example.org']`,
        }),
      );
      const posted = await client.addObjects(root, writable.id, objects);
      const status = await client.waitForStatus(root, posted.id);
      assert.equal(status.success_count, 25);
      assert.equal(status.failure_count, 0);

      const paged = await client.allObjects(root, writable.id, { limit: '4' });
      const ids = new Set(paged.map((object) => object.id));
      assert.equal(ids.size, paged.length);
      for (const object of objects) assert.ok(ids.has(object.id), `missing ${String(object.id)}`);
    });

    it('lists, posts to and reads a community collection with a spec client', async () => {
      const secretariat = await t.createAccount('secretariat');
      const created = await t.request({
        method: 'POST',
        url: '/api/v1/communities',
        token: secretariat.token,
        payload: { name: 'Interop community', states: ['FR'] },
      });
      assert.equal(created.statusCode, 201, created.body);
      const { id } = created.json<{ id: string }>();
      const client = new TaxiiClient(`${base}/taxii2/`, poc.email, poc.token);
      const root = (await client.discover()).default ?? '';
      const listed = (await client.collections(root)).find((collection) => collection.id === id);
      assert.equal(listed?.can_read, true);
      assert.equal(listed.can_write, true);

      const object = indicator({ object_marking_refs: [tlp2MarkingIds.green] });
      const posted = await client.addObjects(root, id, [object]);
      assert.equal((await client.waitForStatus(root, posted.id)).success_count, 1);
      const read = await client.allObjects(root, id, {});
      assert.deepEqual(
        read.map((item) => item.id),
        [object.id],
      );
    });

    it('answers curl as the specification examples call it', async () => {
      const auth = `${poc.email}:${poc.token}`;
      const curl = async (args: string[], accept = TAXII_21) => {
        const { stdout } = await run('curl', [
          '--silent',
          '--show-error',
          '--user',
          auth,
          '--header',
          `Accept: ${accept}`,
          '--write-out',
          '\n%{http_code} %{content_type}',
          ...args,
        ]);
        const split = stdout.lastIndexOf('\n');
        const [status = '', type = ''] = stdout.slice(split + 1).split(' ');

        const body = stdout.slice(0, split);

        return { status: Number(status), type, body, json: () => JSON.parse(body) as JsonObject };
      };

      const discovery = await curl([`${base}/taxii2/`]);
      assert.equal(discovery.status, 200);
      assert.equal(discovery.type, TAXII_21);
      assert.equal(discovery.json().default, `${base}/taxii2/members/`);

      const rootInfo = await curl([`${base}/taxii2/members/`]);
      assert.equal(rootInfo.json().max_content_length, 10485760);

      const file = `/tmp/parley-taxii-${process.pid}.json`;
      const object = indicator({ object_marking_refs: [tlp2MarkingIds.green] });
      await writeFile(file, JSON.stringify({ objects: [object] }));
      const collection = `${base}/taxii2/members/collections/${MEMBERS_COLLECTION_ID}`;
      const added = await curl([
        '--header',
        `Content-Type: ${TAXII_21}`,
        '--data-binary',
        `@${file}`,
        `${collection}/objects/`,
      ]);
      await rm(file, { force: true });
      assert.equal(added.status, 202, added.body);
      const status = JSON.parse(added.body) as { id: string; success_count: number };
      assert.equal(status.success_count, 1);

      const polled = await curl([`${base}/taxii2/members/status/${status.id}/`]);
      assert.equal(polled.json().status, 'complete');

      const manifest = await curl([
        `${collection}/manifest/?match[id]=${String(object.id)}`,
        '--globoff',
      ]);
      assert.equal(manifest.status, 200);
      const records = manifest.json().objects as JsonObject[];
      assert.equal(records[0]?.id, object.id);

      // A sharing community is a collection of its own, listed, written and read the same way.
      const secretariat = await t.createAccount('secretariat');
      const community = await t.request({
        method: 'POST',
        url: '/api/v1/communities',
        token: secretariat.token,
        payload: { name: 'Curl community', states: ['FR'] },
      });
      assert.equal(community.statusCode, 201, community.body);
      const communityId = community.json<{ id: string }>().id;
      const listing = await curl([`${base}/taxii2/members/collections/`]);
      const listed = (listing.json().collections as JsonObject[]).find(
        (item) => item.id === communityId,
      );
      assert.equal(listed?.can_write, true);
      const communityUrl = `${base}/taxii2/members/collections/${communityId}`;
      const shared = indicator({ object_marking_refs: [tlp2MarkingIds.green] });
      await writeFile(file, JSON.stringify({ objects: [shared] }));
      const sharedStatus = await curl([
        '--header',
        `Content-Type: ${TAXII_21}`,
        '--data-binary',
        `@${file}`,
        `${communityUrl}/objects/`,
      ]);
      await rm(file, { force: true });
      assert.equal(sharedStatus.status, 202, sharedStatus.body);
      const communityObjects = await curl([`${communityUrl}/objects/`]);
      assert.equal(communityObjects.status, 200);
      assert.deepEqual(
        (communityObjects.json().objects as JsonObject[]).map((item) => item.id),
        [shared.id],
      );

      const wrongAccept = await curl([`${base}/taxii2/`], 'application/xml');
      assert.equal(wrongAccept.status, 406);
      assert.equal(wrongAccept.type, TAXII_21);
    });
  });
}
