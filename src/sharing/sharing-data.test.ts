import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import {
  hasSharedData,
  loadStixSchemas,
  sharedDataPath,
  type StixSchemaValidator,
} from '../../test/support/stix-schemas.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { tlp1Definitions, tlp2Definitions } from './tlp-definitions.ts';
import { tlp2MarkingIds, tlpByMarkingId } from './tlp.ts';

type StixObject = Record<string, unknown> & { id: string; type: string };

interface UploadReply {
  stored: number;
  rejected: { id: string | null; reason: string }[];
}

const datasets = [
  { file: ['stix2-json-schemas', 'examples', 'threat-reports', 'apt1.json'], expected: 76 },
  { file: ['stix2-json-schemas', 'examples', 'threat-reports', 'poisonivy.json'], expected: 155 },
  { file: ['attack', 'ics-attack-18.1.json'], expected: 1826 },
];

const skip = hasSharedData()
  ? false
  : `shared data folder missing at ${sharedDataPath()}: clone it beside the repository`;

async function readBundle(parts: string[]): Promise<{ text: string; objects: StixObject[] }> {
  const text = await readFile(sharedDataPath(...parts), 'utf8');

  return { text, objects: (JSON.parse(text) as { objects: StixObject[] }).objects };
}

const tlp2Ids = new Set(Object.values(tlp2MarkingIds));

describe('built-in TLP marking definitions', { skip }, () => {
  let schemas: StixSchemaValidator;
  before(async () => {
    schemas = await loadStixSchemas();
  });

  for (const [id, definition] of [...tlp1Definitions, ...tlp2Definitions]) {
    it(`${id} passes the official schema`, () => {
      assert.deepEqual(schemas.validate(definition), []);
    });
  }
});

/** Returns the object without its markings and `tlp:` labels, which are rewritten to TLP 2.0. */
function withoutTlp(object: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...object };
  const refs = (Array.isArray(copy.object_marking_refs) ? copy.object_marking_refs : []).filter(
    (ref) => !tlpByMarkingId.has(String(ref)),
  );
  if (refs.length > 0) copy.object_marking_refs = refs;
  else delete copy.object_marking_refs;
  const labels = (Array.isArray(copy.labels) ? copy.labels : []).filter(
    (label) => !/^tlp:/i.test(String(label)),
  );
  if (labels.length > 0) copy.labels = labels;
  else delete copy.labels;

  return copy;
}

/** Returns the version a GET needs to name this exact object. */
function versionOf(object: StixObject): string | undefined {
  const version = object.modified ?? object.created;

  return typeof version === 'string' ? version : undefined;
}

for (const dialect of testDialects) {
  describe(`STIX sharing of real bundles on ${dialect}`, { skip }, () => {
    let t: TestApp;
    let secretariat: TestAccount;
    let schemas: StixSchemaValidator;

    before(async () => {
      t = await startTestApp(dialect);
      secretariat = await t.createAccount('secretariat');
      schemas = await loadStixSchemas();
    });
    after(() => t.close());

    function upload(payload: string, query = '') {
      return t.request({
        method: 'POST',
        url: `/api/v1/bundles${query}`,
        token: secretariat.token,
        headers: { 'content-type': 'application/json' },
        payload,
      });
    }

    for (const dataset of datasets) {
      const name = dataset.file.at(-1) ?? '';

      it(`imports ${name} and returns every object unchanged`, async () => {
        const { text, objects } = await readBundle(dataset.file);
        assert.equal(objects.length, dataset.expected);

        const res = await upload(text);
        assert.equal(res.statusCode, 201, res.body);
        const reply = res.json<UploadReply>();
        assert.deepEqual(reply.rejected, []);
        assert.equal(reply.stored, objects.length);
        const rows = await t.ctx.db
          .selectFrom('stix_objects')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where(
            'object_id',
            'in',
            objects.map((object) => object.id),
          )
          .executeTakeFirstOrThrow();
        // The standard TLP definitions are built in and not stored again.
        const builtIn = objects.filter((object) => tlpByMarkingId.has(object.id)).length;
        assert.equal(rows.count, objects.length - builtIn);

        for (const object of objects) {
          const version = versionOf(object);
          const query = version === undefined ? '' : `?version=${encodeURIComponent(version)}`;
          const got = await t.request({
            method: 'GET',
            url: `/api/v1/objects/${object.id}${query}`,
            token: secretariat.token,
          });
          assert.equal(got.statusCode, 200, `${object.id}: ${got.body}`);
          const returned = got.json<StixObject>();
          assert.deepEqual(withoutTlp(returned), withoutTlp(object));
          const tlpRefs = (returned.object_marking_refs as string[]).filter((ref) =>
            tlpByMarkingId.has(ref),
          );
          assert.equal(tlpRefs.length, 1, `${object.id} carries one TLP marking`);
          assert.ok(tlp2Ids.has(tlpRefs[0] ?? ''), `${object.id} carries a TLP 2.0 id`);
          assert.deepEqual(schemas.validate(returned), [], `${object.id} fails its JSON schema`);
        }
      });
    }

    it('imports the ICS ATT&CK bundle again as a no-op', async () => {
      const { text } = await readBundle(datasets[2]?.file ?? []);
      const before = await t.ctx.db
        .selectFrom('stix_objects')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();

      const res = await upload(text);
      assert.equal(res.statusCode, 201);
      assert.equal(res.json<UploadReply>().stored, 1826);
      const afterCount = await t.ctx.db
        .selectFrom('stix_objects')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      assert.equal(afterCount.count, before.count);
    });

    it('accepts a bundle larger than 10 MB', async () => {
      const objects = Array.from({ length: 26000 }, (_, i) => ({
        type: 'indicator',
        spec_version: '2.1',
        id: `indicator--${randomUUID()}`,
        created: '2024-03-05T08:15:30.000Z',
        modified: '2024-03-05T08:15:30.000Z',
        name: `Generated indicator ${i}`,
        description: 'Address seen in a phishing campaign against ministries of foreign affairs.',
        pattern: `[ipv4-addr:value = '10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}']`,
        pattern_type: 'stix',
        valid_from: '2024-03-05T08:15:30Z',
        object_marking_refs: [tlp2MarkingIds.green],
      }));
      const payload = JSON.stringify({ type: 'bundle', id: `bundle--${randomUUID()}`, objects });
      assert.ok(payload.length > 10 * 1024 * 1024, `payload is ${payload.length} bytes`);

      const res = await upload(payload);
      assert.equal(res.statusCode, 201, res.body.slice(0, 500));
      assert.equal(res.json<UploadReply>().stored, objects.length);
      const last = objects.at(-1);
      assert.ok(last !== undefined);
      const got = await t.request({
        method: 'GET',
        url: `/api/v1/objects/${last.id}`,
        token: secretariat.token,
      });
      assert.deepEqual(got.json(), last);
      const schemaErrors = schemas.validate(got.json<StixObject>());
      assert.deepEqual(schemaErrors, []);

      // The same file again as a form upload: accepted, and stored once.
      const boundary = '----parley-large-upload';
      const form = await t.request({
        method: 'POST',
        url: '/api/v1/bundles',
        token: secretariat.token,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload:
          `--${boundary}\r\nContent-Disposition: form-data; name="bundle"; filename="big.json"\r\n` +
          `Content-Type: application/json\r\n\r\n${payload}\r\n--${boundary}--\r\n`,
      });
      assert.equal(form.statusCode, 201, form.body.slice(0, 500));
      assert.equal(form.json<UploadReply>().stored, objects.length);
    });
  });
}
