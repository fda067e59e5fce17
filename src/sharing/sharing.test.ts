import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { signIn } from '../accounts/accounts.service.ts';
import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { tlp2MarkingIds } from './tlp.ts';

/** Reply of a successful upload. */
interface UploadReply {
  stored: number;
  rejected: { id: string | null; index: number; reason: string }[];
  warnings: { id: string; reason: string }[];
}

/** Problem document of a failed request. */
interface ProblemReply {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

type StixObject = Record<string, unknown>;

const TLP1_GREEN = 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da';

function indicator(overrides: StixObject = {}): StixObject {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: '2024-03-05T08:15:30.000Z',
    modified: '2024-03-05T08:15:30.000Z',
    pattern: "[ipv4-addr:value = '203.0.113.9']",
    pattern_type: 'stix',
    valid_from: '2024-03-05T08:15:30Z',
    ...overrides,
  };
}

function bundleOf(objects: unknown[]): StixObject {
  return { type: 'bundle', id: `bundle--${randomUUID()}`, objects };
}

for (const dialect of testDialects) {
  describe(`STIX sharing on ${dialect}`, () => {
    let t: TestApp;
    let sharerFr: TestAccount;
    let editorFr: TestAccount;
    let pocDe: TestAccount;
    let pocJp: TestAccount;
    let secretariat: TestAccount;
    let secretariat2: TestAccount;
    let partnerAcme: TestAccount;
    let partnerBeta: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      sharerFr = await t.createAccount('poc', { state: 'FR' });
      editorFr = await t.createAccount('state-editor', { state: 'FR' });
      pocDe = await t.createAccount('poc', { state: 'DE' });
      pocJp = await t.createAccount('poc', { state: 'JP' });
      secretariat = await t.createAccount('secretariat');
      secretariat2 = await t.createAccount('secretariat');
      partnerAcme = await t.createAccount('partner', { org: 'Acme Research' });
      partnerBeta = await t.createAccount('partner', { org: 'Beta Labs' });
    });
    after(() => t.close());

    function share(token: string | undefined, body: unknown, query = '') {
      return t.request({
        method: 'POST',
        url: `/api/v1/bundles${query}`,
        token,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    }

    function read(token: string | undefined, id: string, version?: string) {
      const query = version === undefined ? '' : `?version=${encodeURIComponent(version)}`;

      return t.request({ method: 'GET', url: `/api/v1/objects/${id}${query}`, token });
    }

    async function shareOk(token: string, objects: unknown[], query = ''): Promise<UploadReply> {
      const res = await share(token, bundleOf(objects), query);
      assert.equal(res.statusCode, 201, res.body);

      return res.json<UploadReply>();
    }

    describe('upload', () => {
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
        };
        const reply = await shareOk(sharerFr.token, [object]);
        assert.equal(reply.stored, 1);

        const res = await read(sharerFr.token, object.id);
        assert.equal(res.statusCode, 200);
        assert.match(String(res.headers['content-type']), /application\/json/);
        assert.ok(res.body.includes('"created":"2024-03-05T08:15:30.000Z"'), res.body);
        assert.ok(res.body.includes('"modified":"2024-03-05T08:15:30.123456Z"'), res.body);
        // An unmarked object is held at TLP:AMBER and goes out carrying its TLP 2.0 marking.
        assert.deepEqual(res.json(), { ...object, object_marking_refs: [tlp2MarkingIds.amber] });

        const exact = await read(sharerFr.token, object.id, '2024-03-05T08:15:30.123456Z');
        assert.equal(exact.statusCode, 200);
        assert.equal(exact.json<StixObject>().modified, '2024-03-05T08:15:30.123456Z');
        const millisecond = await read(sharerFr.token, object.id, '2024-03-05T08:15:30.123Z');
        assert.equal(millisecond.statusCode, 404);
      });

      it('rejects a body that is not a bundle, naming the field', async () => {
        const wrongType = await share(sharerFr.token, { type: 'report', objects: [] });
        assert.equal(wrongType.statusCode, 422);
        assert.ok(wrongType.json<ProblemReply>().errors?.some((e) => e.field === 'type'));

        const noObjects = await share(sharerFr.token, { type: 'bundle', id: 'bundle--x' });
        assert.equal(noObjects.statusCode, 422);
        assert.ok(noObjects.json<ProblemReply>().errors?.some((e) => e.field === 'objects'));

        const array = await share(sharerFr.token, [indicator()]);
        assert.equal(array.statusCode, 422);
      });

      it('rejects an id whose prefix is not the type', async () => {
        const bad = indicator({ id: `malware--${randomUUID()}` });
        const reply = await shareOk(sharerFr.token, [indicator(), bad]);
        assert.equal(reply.stored, 1);
        assert.equal(reply.rejected.length, 1);
        const [rejected] = reply.rejected;
        assert.ok(rejected !== undefined);
        assert.equal(rejected.id, bad.id);
        assert.equal(rejected.index, 1);
        assert.match(rejected.reason, /prefix .* must equal the type "indicator"/);
      });

      it('rejects an object missing a required property', async () => {
        const noPattern = indicator();
        delete noPattern.pattern;
        const res = await share(sharerFr.token, bundleOf([noPattern]));
        assert.equal(res.statusCode, 422);
        const problem = res.json<ProblemReply>();
        assert.equal(problem.code, 'validation_failed');
        const [error] = problem.errors ?? [];
        assert.ok(error !== undefined);
        assert.equal(error.field, 'objects.0');
        assert.match(error.message, /missing required property pattern/);
        assert.equal((await read(sharerFr.token, String(noPattern.id))).statusCode, 404);
      });

      it('rejects a pattern nested too deep', async () => {
        const pattern = `${'('.repeat(2400)}[file:name = 'x']${')'.repeat(2400)}`;
        const deep = indicator({ pattern });
        const reply = await shareOk(sharerFr.token, [indicator(), deep], '?tlp=green');
        assert.equal(reply.stored, 1);
        assert.equal(reply.rejected.length, 1);
        assert.equal(reply.rejected[0]?.id, deep.id);
        assert.match(
          reply.rejected[0]?.reason ?? '',
          /pattern: invalid STIX pattern at position 64: .*nested more than 64 levels deep/,
        );
        assert.equal((await read(sharerFr.token, String(deep.id))).statusCode, 404);

        const alone = indicator({ pattern });
        const res = await share(sharerFr.token, bundleOf([alone]), '?tlp=green');
        assert.equal(res.statusCode, 422, res.body);
        const [error] = res.json<ProblemReply>().errors ?? [];
        assert.ok(error !== undefined, res.body);
        assert.equal(error.field, 'objects.0');
        assert.match(error.message, /nested more than 64 levels deep/);
        assert.equal((await read(sharerFr.token, String(alone.id))).statusCode, 404);
      });

      it('rejects an impossible calendar date', async () => {
        const bad = indicator({ created: '2024-02-30T00:00:00.000Z' });
        const leap = indicator({ created: '2024-02-29T00:00:00.000Z' });
        const reply = await shareOk(sharerFr.token, [bad, leap]);
        assert.equal(reply.stored, 1);
        assert.match(
          reply.rejected[0]?.reason ?? '',
          /created: "2024-02-30T00:00:00.000Z" is not a real calendar date/,
        );
      });

      it('rejects early modified and non-Z timestamps', async () => {
        const early = indicator({ modified: '2024-03-05T08:15:29.999Z' });
        const offset = indicator({ modified: '2024-03-05T08:15:30.000+00:00' });
        const reply = await shareOk(sharerFr.token, [early, offset, indicator()]);
        assert.equal(reply.stored, 1);
        assert.match(reply.rejected[0]?.reason ?? '', /modified: .* is earlier than created/);
        assert.match(reply.rejected[1]?.reason ?? '', /not an RFC 3339 UTC timestamp ending in Z/);
      });

      it('checks observables, markings and custom types', async () => {
        const address = {
          type: 'ipv4-addr',
          spec_version: '2.1',
          id: `ipv4-addr--${randomUUID()}`,
          value: '198.51.100.7',
        };
        const statement = {
          type: 'marking-definition',
          spec_version: '2.1',
          id: `marking-definition--${randomUUID()}`,
          created: '2024-01-01T00:00:00.000Z',
          definition_type: 'statement',
          definition: { statement: 'Copyright Example' },
        };
        const tactic = {
          type: 'x-mitre-tactic',
          spec_version: '2.1',
          id: `x-mitre-tactic--${randomUUID()}`,
          created: '2024-01-01T00:00:00.000Z',
          modified: '2024-01-02T00:00:00.000Z',
          x_mitre_shortname: 'collection',
        };
        const customWithoutCreated = {
          type: 'x-acme-thing',
          spec_version: '2.1',
          id: `x-acme-thing--${randomUUID()}`,
        };
        const addressWithoutValue = { type: 'ipv4-addr', id: `ipv4-addr--${randomUUID()}` };
        const reply = await shareOk(sharerFr.token, [
          address,
          statement,
          tactic,
          customWithoutCreated,
          addressWithoutValue,
        ]);
        assert.equal(reply.stored, 3);
        assert.deepEqual(
          reply.rejected.map((r) => r.index),
          [3, 4],
        );
        assert.match(reply.rejected[0]?.reason ?? '', /missing required property created/);
        assert.match(reply.rejected[1]?.reason ?? '', /missing required property value/);
        assert.equal((await read(sharerFr.token, statement.id, statement.created)).statusCode, 200);
        assert.equal((await read(sharerFr.token, address.id)).statusCode, 200);
      });

      it('rejects and never serves two TLP levels', async () => {
        const both = indicator({ object_marking_refs: [tlp2MarkingIds.clear, tlp2MarkingIds.red] });
        const res = await share(sharerFr.token, bundleOf([both]));
        assert.equal(res.statusCode, 422);
        const problem = res.json<ProblemReply>();
        assert.equal(problem.code, 'tlp_conflict');
        assert.match(problem.errors?.[0]?.message ?? '', /TLP:CLEAR and TLP:RED/);

        const mixed = await shareOk(sharerFr.token, [both, indicator()]);
        assert.equal(mixed.stored, 1);
        assert.equal(mixed.rejected[0]?.id, both.id);
        assert.equal(mixed.rejected[0]?.reason, 'conflicting TLP markings: TLP:CLEAR and TLP:RED');

        for (const token of [undefined, sharerFr.token, secretariat.token]) {
          assert.equal((await read(token, String(both.id))).statusCode, 404);
        }
        const list = await t.request({ method: 'GET', url: '/api/v1/objects?limit=500' });
        assert.ok(!list.body.includes(String(both.id)));
        const rows = await t.ctx.db
          .selectFrom('stix_objects')
          .select('seq')
          .where('object_id', '=', String(both.id))
          .execute();
        assert.equal(rows.length, 0);
      });

      it('rejects deep nesting and keeps serving', async () => {
        const nested = '['.repeat(10000) + '0' + ']'.repeat(10000);
        const text = JSON.stringify(bundleOf([indicator({ x_acme_meta: 0 })])).replace(
          '"x_acme_meta":0',
          `"x_acme_meta":${nested}`,
        );
        const started = Date.now();
        const res = await t.request({
          method: 'POST',
          url: '/api/v1/bundles',
          token: sharerFr.token,
          headers: { 'content-type': 'application/json' },
          payload: text,
        });
        assert.equal(res.statusCode, 400);
        assert.equal(res.json<ProblemReply>().code, 'nesting_too_deep');
        assert.ok(Date.now() - started < 1000);
        const next = await share(sharerFr.token, bundleOf([indicator()]));
        assert.equal(next.statusCode, 201);
      });

      it('accepts repeats but not changed versions', async () => {
        const object = indicator();
        assert.equal((await shareOk(sharerFr.token, [object])).stored, 1);
        const again = await shareOk(sharerFr.token, [object, object]);
        assert.equal(again.stored, 2);
        assert.equal(again.rejected.length, 0);
        const changed = await share(sharerFr.token, bundleOf([{ ...object, name: 'changed' }]));
        assert.equal(changed.statusCode, 422);
        assert.match(changed.json<ProblemReply>().detail, /different object with version/);
        const rows = await t.ctx.db
          .selectFrom('stix_objects')
          .select('seq')
          .where('object_id', '=', String(object.id))
          .execute();
        assert.equal(rows.length, 1);
      });

      it('keeps every version and serves the latest', async () => {
        const v1 = indicator({ modified: '2024-03-05T08:15:30.000Z' });
        const v2 = { ...v1, modified: '2024-03-06T00:00:00.5Z', name: 'second' };
        await shareOk(sharerFr.token, [v2, v1]);
        assert.equal((await read(sharerFr.token, String(v1.id))).json<StixObject>().name, 'second');
        assert.equal(
          (await read(sharerFr.token, String(v1.id), String(v1.modified))).json<StixObject>()
            .modified,
          v1.modified,
        );
        const padded = await read(sharerFr.token, String(v1.id), '2024-03-06T00:00:00.500000Z');
        assert.equal(padded.json<StixObject>().modified, '2024-03-06T00:00:00.5Z');
      });

      it('rejects a version that un-revokes a revoked object', async () => {
        const v1 = indicator({ modified: '2024-03-05T08:15:30.000Z' });
        const revoked = { ...v1, modified: '2024-03-07T00:00:00.000Z', revoked: true };
        await shareOk(sharerFr.token, [v1, revoked]);
        const later = { ...v1, modified: '2024-03-08T00:00:00.000Z' };
        const res = await share(sharerFr.token, bundleOf([later]));
        assert.equal(res.statusCode, 422);
        assert.match(
          res.json<ProblemReply>().detail,
          /revoked in version 2024-03-07T00:00:00.000Z/,
        );
        const stillRevoked = await shareOk(sharerFr.token, [
          { ...revoked, modified: '2024-03-09T00:00:00.000Z' },
        ]);
        assert.equal(stillRevoked.stored, 1);
      });

      it('holds an object with an unknown marking as TLP:RED and warns', async () => {
        const unknownRef = `marking-definition--${randomUUID()}`;
        const object = indicator({ object_marking_refs: [unknownRef] });
        const reply = await shareOk(sharerFr.token, [object], '?tlp=clear');
        assert.equal(reply.stored, 1);
        assert.equal(reply.warnings[0]?.id, object.id);
        assert.match(reply.warnings[0]?.reason ?? '', new RegExp(`${unknownRef}.*TLP:RED`));
        assert.equal((await read(undefined, String(object.id))).statusCode, 404);
        assert.equal((await read(editorFr.token, String(object.id))).statusCode, 404);
        assert.equal((await read(sharerFr.token, String(object.id))).statusCode, 200);
      });

      it('resolves a non-TLP marking defined in the bundle or stored', async () => {
        const statement = {
          type: 'marking-definition',
          spec_version: '2.1',
          id: `marking-definition--${randomUUID()}`,
          created: '2024-01-01T00:00:00.000Z',
          definition_type: 'statement',
          definition: { statement: 'Copyright Example' },
        };
        const first = indicator({ object_marking_refs: [statement.id] });
        const reply = await shareOk(sharerFr.token, [statement, first], '?tlp=clear');
        assert.deepEqual(reply.warnings, []);
        assert.equal((await read(undefined, String(first.id))).statusCode, 200);

        const second = indicator({ object_marking_refs: [statement.id] });
        const later = await shareOk(sharerFr.token, [second], '?tlp=clear');
        assert.deepEqual(later.warnings, []);
        assert.equal((await read(undefined, String(second.id))).statusCode, 200);
      });

      it('holds an object at the stricter level of a granular marking', async () => {
        const object = indicator({
          object_marking_refs: [tlp2MarkingIds.green],
          granular_markings: [{ marking_ref: tlp2MarkingIds.red, selectors: ['pattern'] }],
        });
        const reply = await shareOk(sharerFr.token, [object]);
        assert.match(reply.warnings[0]?.reason ?? '', /TLP:RED/);
        assert.equal((await read(pocDe.token, String(object.id))).statusCode, 404);
      });

      it('stores PAP from a PAP marking definition', async () => {
        const pap = {
          type: 'marking-definition',
          spec_version: '2.1',
          id: `marking-definition--${randomUUID()}`,
          created: '2024-01-01T00:00:00.000Z',
          name: 'PAP:AMBER',
          definition_type: 'statement',
          definition: { statement: 'PAP:AMBER' },
        };
        const object = indicator({ object_marking_refs: [pap.id, tlp2MarkingIds.green] });
        await shareOk(sharerFr.token, [pap, object]);
        const row = await t.ctx.db
          .selectFrom('stix_objects')
          .select(['pap', 'tlp'])
          .where('object_id', '=', String(object.id))
          .executeTakeFirstOrThrow();
        assert.equal(row.pap, 'amber');
        assert.equal(row.tlp, 'green');
      });

      it('stores standard TLP marking definitions as TLP:CLEAR', async () => {
        const red = {
          type: 'marking-definition',
          spec_version: '2.1',
          id: tlp2MarkingIds.red,
          created: '2022-10-01T00:00:00.000Z',
          name: 'TLP:RED',
          extensions: {
            'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': {
              extension_type: 'property-extension',
              tlp_2_0: 'red',
            },
          },
        };
        await shareOk(sharerFr.token, [red], '?tlp=red');
        assert.equal((await read(undefined, tlp2MarkingIds.red)).statusCode, 200);
      });

      it('accepts a multipart upload with options', async () => {
        const object = indicator();
        const boundary = '----parley-test-boundary';
        const part = (headers: string, body: string) =>
          `--${boundary}\r\n${headers}\r\n\r\n${body}\r\n`;
        const payload =
          part('Content-Disposition: form-data; name="tlp"', 'TLP:AMBER') +
          part('Content-Disposition: form-data; name="states"', 'DE') +
          part(
            'Content-Disposition: form-data; name="bundle"; filename="b.json"\r\nContent-Type: application/json',
            JSON.stringify(bundleOf([object])),
          ) +
          `--${boundary}--\r\n`;
        const res = await t.request({
          method: 'POST',
          url: '/api/v1/bundles',
          token: sharerFr.token,
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
          payload,
        });
        assert.equal(res.statusCode, 201, res.body);
        assert.equal(res.json<UploadReply>().stored, 1);
        assert.equal((await read(pocDe.token, String(object.id))).statusCode, 200);
        assert.equal((await read(pocJp.token, String(object.id))).statusCode, 404);

        const nested =
          part(
            'Content-Disposition: form-data; name="bundle"; filename="b.json"',
            '['.repeat(5000) + ']'.repeat(5000),
          ) + `--${boundary}--\r\n`;
        const deep = await t.request({
          method: 'POST',
          url: '/api/v1/bundles',
          token: sharerFr.token,
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
          payload: nested,
        });
        assert.equal(deep.statusCode, 400);
        assert.equal(deep.json<ProblemReply>().code, 'nesting_too_deep');
      });

      it('rejects invalid options naming the field', async () => {
        const cases: [string, string][] = [
          ['?tlp=purple', 'tlp'],
          ['?states=XX', 'states'],
          ['?states=France', 'states.0'],
          ['?orgs=Nobody%20Labs', 'orgs'],
          ['?accounts=nobody@nowhere.test', 'accounts'],
        ];
        for (const [query, field] of cases) {
          const res = await share(sharerFr.token, bundleOf([indicator()]), query);
          assert.equal(res.statusCode, 422, query);
          assert.ok(
            res.json<ProblemReply>().errors?.some((e) => e.field === field),
            `${query}: ${res.body}`,
          );
        }
      });

      it('lets only signed-in members share', async () => {
        const publicRes = await share(undefined, bundleOf([indicator()]));
        assert.equal(publicRes.statusCode, 401);
        const partnerRes = await share(partnerAcme.token, bundleOf([indicator()]));
        assert.equal(partnerRes.statusCode, 403);
        assert.equal(partnerRes.json<ProblemReply>().code, 'forbidden');
        const secretariatRes = await share(secretariat.token, bundleOf([indicator()]));
        assert.equal(secretariatRes.statusCode, 201);
      });

      it('requires the CSRF header for a session cookie', async () => {
        const session = await signIn(t.ctx, editorFr.email, editorFr.password);
        assert.ok(session !== null);
        const cookie = `parley_session=${session.sessionId}`;
        const payload = JSON.stringify(bundleOf([indicator()]));
        const headers = { 'content-type': 'application/json', cookie };
        const missing = await t.request({
          method: 'POST',
          url: '/api/v1/bundles',
          headers,
          payload,
        });
        assert.equal(missing.statusCode, 403);
        assert.equal(missing.json<ProblemReply>().code, 'csrf_failed');
        const withToken = await t.request({
          method: 'POST',
          url: '/api/v1/bundles',
          headers: { ...headers, 'x-csrf-token': session.csrfToken },
          payload,
        });
        assert.equal(withToken.statusCode, 201);
      });
    });

    describe('reading by TLP', () => {
      it('serves TLP:CLEAR to the public', async () => {
        const object = indicator({ object_marking_refs: [tlp2MarkingIds.clear] });
        await shareOk(sharerFr.token, [object]);
        assert.equal((await read(undefined, String(object.id))).statusCode, 200);
      });

      it('serves TLP:GREEN to members but not the public', async () => {
        const object = indicator({ object_marking_refs: [TLP1_GREEN] });
        await shareOk(sharerFr.token, [object]);
        const publicRes = await read(undefined, String(object.id));
        assert.equal(publicRes.statusCode, 404);
        assert.equal(publicRes.json<ProblemReply>().code, 'not_found');
        assert.equal((await read(pocDe.token, String(object.id))).statusCode, 200);
        assert.equal((await read(partnerBeta.token, String(object.id))).statusCode, 200);
      });

      it('serves TLP:AMBER to the sharer state and named recipients only', async () => {
        const ownState = indicator({ object_marking_refs: [tlp2MarkingIds.amber] });
        await shareOk(sharerFr.token, [ownState]);
        assert.equal((await read(editorFr.token, String(ownState.id))).statusCode, 200);
        const other = await read(pocDe.token, String(ownState.id));
        const unknown = await read(pocDe.token, `indicator--${randomUUID()}`);
        assert.equal(other.statusCode, 404);
        assert.equal(other.json<ProblemReply>().detail, unknown.json<ProblemReply>().detail);
        assert.equal((await read(secretariat.token, String(ownState.id))).statusCode, 404);
        assert.equal((await read(undefined, String(ownState.id))).statusCode, 404);

        const acme = await t.ctx.db
          .selectFrom('organisations')
          .select('id')
          .where('name', '=', 'Acme Research')
          .executeTakeFirstOrThrow();
        const named = indicator({ object_marking_refs: [tlp2MarkingIds['amber+strict']] });
        const setAcmeClearance = (clearance: string) =>
          t.ctx.db
            .updateTable('organisations')
            .set({ clearance })
            .where('id', '=', acme.id)
            .execute();
        // Acme's clearance is TLP:GREEN until the secretariat raises it, so naming it is rejected.
        const rejected = await share(
          sharerFr.token,
          bundleOf([named]),
          `?states=de&orgs=${acme.id}`,
        );
        assert.equal(rejected.statusCode, 422, rejected.body);
        assert.ok(rejected.json<ProblemReply>().errors?.some((e) => e.field === 'orgs.0'));
        await setAcmeClearance('amber+strict');
        await shareOk(sharerFr.token, [named], `?states=de&orgs=${acme.id}`);
        assert.equal((await read(pocDe.token, String(named.id))).statusCode, 200);
        assert.equal((await read(partnerAcme.token, String(named.id))).statusCode, 200);
        assert.equal((await read(partnerBeta.token, String(named.id))).statusCode, 404);
        assert.equal((await read(pocJp.token, String(named.id))).statusCode, 404);
        // A partner never reads above its current clearance, whatever the upload named.
        await setAcmeClearance('green');
        assert.equal((await read(partnerAcme.token, String(named.id))).statusCode, 404);
        await setAcmeClearance('amber+strict');
      });

      it('defaults an unmarked object to TLP:AMBER for the sharer state', async () => {
        const object = indicator();
        await shareOk(sharerFr.token, [object]);
        assert.equal((await read(editorFr.token, String(object.id))).statusCode, 200);
        assert.equal((await read(pocDe.token, String(object.id))).statusCode, 404);
        const row = await t.ctx.db
          .selectFrom('stix_objects')
          .select('tlp')
          .where('object_id', '=', String(object.id))
          .executeTakeFirstOrThrow();
        assert.equal(row.tlp, 'amber');
      });

      it('keeps unmarked objects own-only without tlp', async () => {
        const object = indicator();
        const reply = await shareOk(sharerFr.token, [object], '?states=DE');
        assert.match(reply.warnings[0]?.reason ?? '', /1 objects have no TLP marking/);
        assert.equal((await read(editorFr.token, String(object.id))).statusCode, 200);
        assert.equal((await read(pocDe.token, String(object.id))).statusCode, 404);

        const marked = indicator({ object_marking_refs: [tlp2MarkingIds.amber] });
        const unmarked = indicator();
        const withTlp = await shareOk(sharerFr.token, [marked], '?states=DE');
        assert.deepEqual(withTlp.warnings, []);
        await shareOk(sharerFr.token, [unmarked], '?states=DE&tlp=amber');
        assert.equal((await read(pocDe.token, String(marked.id))).statusCode, 200);
        assert.equal((await read(pocDe.token, String(unmarked.id))).statusCode, 200);
      });

      it('applies the upload TLP to unmarked objects', async () => {
        const object = indicator();
        await shareOk(sharerFr.token, [object], '?tlp=TLP:GREEN');
        assert.equal((await read(pocDe.token, String(object.id))).statusCode, 200);
        assert.equal((await read(undefined, String(object.id))).statusCode, 404);
      });

      it('shares secretariat TLP:AMBER with the secretariat', async () => {
        const object = indicator({ object_marking_refs: [tlp2MarkingIds.amber] });
        await shareOk(secretariat.token, [object]);
        assert.equal((await read(secretariat2.token, String(object.id))).statusCode, 200);
        assert.equal((await read(editorFr.token, String(object.id))).statusCode, 404);
      });

      it('serves TLP:RED to named accounts and the sharer only', async () => {
        const object = indicator({ object_marking_refs: [tlp2MarkingIds.red] });
        const reply = await shareOk(
          sharerFr.token,
          [object],
          `?accounts=${encodeURIComponent(pocDe.email)}&states=FR`,
        );
        assert.deepEqual(reply.warnings, []);
        assert.equal((await read(pocDe.token, String(object.id))).statusCode, 200);
        assert.equal((await read(sharerFr.token, String(object.id))).statusCode, 200);
        assert.equal((await read(editorFr.token, String(object.id))).statusCode, 404);
        assert.equal((await read(secretariat.token, String(object.id))).statusCode, 404);
        const grants = await t.ctx.db
          .selectFrom('stix_object_grants')
          .innerJoin('stix_objects', 'stix_objects.seq', 'stix_object_grants.object_seq')
          .select(['grantee_kind', 'grantee'])
          .where('object_id', '=', String(object.id))
          .execute();
        assert.deepEqual(grants, [{ grantee_kind: 'account', grantee: pocDe.id }]);
      });

      it('warns when TLP:RED names no recipient', async () => {
        const reply = await shareOk(sharerFr.token, [
          indicator({ object_marking_refs: [tlp2MarkingIds.red] }),
        ]);
        assert.match(reply.warnings[0]?.reason ?? '', /only you can read them/);
      });

      it('serves the latest version the caller may read', async () => {
        const v1 = indicator({ object_marking_refs: [tlp2MarkingIds.clear] });
        const v2 = {
          ...v1,
          modified: '2024-04-01T00:00:00.000Z',
          object_marking_refs: [tlp2MarkingIds.red],
        };
        await shareOk(sharerFr.token, [v1, v2]);
        assert.equal(
          (await read(undefined, String(v1.id))).json<StixObject>().modified,
          v1.modified,
        );
        assert.equal(
          (await read(sharerFr.token, String(v1.id))).json<StixObject>().modified,
          v2.modified,
        );
        assert.equal((await read(undefined, String(v1.id), v2.modified)).statusCode, 404);
      });

      it('lists the readable latest versions, newest first', async () => {
        const older = indicator({
          modified: '2030-01-01T00:00:00.000Z',
          object_marking_refs: [tlp2MarkingIds.clear],
        });
        const newer = indicator({
          modified: '2030-01-02T00:00:00.000Z',
          object_marking_refs: [tlp2MarkingIds.clear],
        });
        const hidden = indicator({
          modified: '2030-01-03T00:00:00.000Z',
          object_marking_refs: [tlp2MarkingIds.green],
        });
        const tactic = {
          type: 'x-mitre-tactic',
          spec_version: '2.1',
          id: `x-mitre-tactic--${randomUUID()}`,
          created: '2030-01-04T00:00:00.000Z',
          modified: '2030-01-04T00:00:00.000Z',
          object_marking_refs: [tlp2MarkingIds.clear],
        };
        await shareOk(sharerFr.token, [older, newer, hidden, tactic]);

        const res = await t.request({
          method: 'GET',
          url: '/api/v1/objects?type=indicator&limit=2',
        });
        assert.equal(res.statusCode, 200);
        const ids = res.json<{ objects: StixObject[] }>().objects.map((o) => o.id);
        assert.deepEqual(ids, [newer.id, older.id]);
        const member = await t.request({
          method: 'GET',
          url: '/api/v1/objects?type=indicator&limit=1',
          token: pocDe.token,
        });
        assert.deepEqual(
          member.json<{ objects: StixObject[] }>().objects.map((o) => o.id),
          [hidden.id],
        );
        const badLimit = await t.request({ method: 'GET', url: '/api/v1/objects?limit=0' });
        assert.equal(badLimit.statusCode, 422);
      });

      it('sorts the list by severity, response time, then age', async () => {
        const kind = `x-sorting-${randomUUID().slice(0, 8)}`;
        const item = (modified: string, extra: StixObject = {}) => ({
          type: kind,
          spec_version: '2.1',
          id: `${kind}--${randomUUID()}`,
          created: '2030-01-01T00:00:00.000Z',
          modified,
          object_marking_refs: [tlp2MarkingIds.clear],
          ...extra,
        });
        const low = item('2030-01-05T00:00:00.000Z', { x_parley_severity: 1 });
        const ten = item('2030-01-01T00:00:00.000Z', { x_parley_severity: 10 });
        await shareOk(sharerFr.token, [low, ten]);
        const urgent = item('2030-01-01T00:00:00.000Z');
        const later = item('2030-01-02T00:00:00.000Z');
        await shareOk(sharerFr.token, [urgent], '?severity=4&respond_by=2030-01-02T00:00:00Z');
        await shareOk(sharerFr.token, [later], '?severity=4&respond_by=2030-02-01T00:00:00Z');
        const open = item('2030-01-03T00:00:00.000Z', { x_parley_kind: 'malicious-code' });
        await shareOk(sharerFr.token, [open], '?severity=4');

        const res = await t.request({ method: 'GET', url: `/api/v1/objects?type=${kind}` });
        const ids = res.json<{ objects: StixObject[] }>().objects.map((o) => o.id);
        assert.deepEqual(ids, [urgent.id, later.id, open.id, low.id]);
        const stored = await t.ctx.db
          .selectFrom('stix_objects')
          .select(['object_id', 'severity', 'kind'])
          .where('object_id', '=', open.id)
          .executeTakeFirstOrThrow();
        assert.equal(stored.severity, 4);
        assert.equal(stored.kind, 'malicious-code');
      });

      it('rejects an invalid severity or kind naming it', async () => {
        const option = await share(sharerFr.token, bundleOf([indicator()]), '?severity=9');
        assert.equal(option.statusCode, 422);
        assert.match(option.json<ProblemReply>().detail, /severity/);
        const kind = await share(sharerFr.token, bundleOf([indicator()]), '?kind=spam');
        assert.equal(kind.statusCode, 422);
        const property = await share(
          sharerFr.token,
          bundleOf([indicator({ x_parley_severity: 'high' })]),
        );
        assert.equal(property.statusCode, 422);
        assert.match(property.json<ProblemReply>().detail, /x_parley_severity/);
      });

      it('rejects a malformed id or version naming the field', async () => {
        const badId = await read(undefined, 'not-an-id');
        assert.equal(badId.statusCode, 422);
        assert.equal(badId.json<ProblemReply>().errors?.[0]?.field, 'id');
        const badVersion = await read(
          undefined,
          `indicator--${randomUUID()}`,
          '2024-13-01T00:00:00Z',
        );
        assert.equal(badVersion.statusCode, 422);
        assert.equal(badVersion.json<ProblemReply>().errors?.[0]?.field, 'version');
      });
    });
  });
}
