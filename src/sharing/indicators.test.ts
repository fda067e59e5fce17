import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import {
  hasSharedData,
  loadStixSchemas,
  type StixSchemaValidator,
} from '../../test/support/stix-schemas.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { MEMBERS, taxiiGet, type Envelope } from '../taxii/taxii.test-helpers.ts';
import type { ModerationSummary } from './moderation.service.ts';
import { parsePattern } from './stix-pattern.ts';
import { tlp2MarkingIds } from './tlp.ts';

type StixObject = Record<string, unknown>;

/** Reply of `POST /api/v1/indicators` when the indicator was stored. */
interface StoredReply {
  status: 'stored';
  id: string;
  version: string;
  pattern: string;
  object: StixObject;
  stored: number;
  rejected: { id: string | null; index: number; reason: string }[];
  warnings: { id: string; reason: string }[];
}

/** Reply of `POST /api/v1/indicators` when a partner's indicator was held for moderation. */
interface HeldReply {
  status: 'held';
  id: string;
  pattern: string;
  object: StixObject;
  moderation: ModerationSummary;
}

/** Problem document of a failed request. */
interface ProblemReply {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

const SHA256 = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f';
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

for (const dialect of testDialects) {
  describe(`indicators from observables on ${dialect}`, () => {
    let t: TestApp;
    let pocFr: TestAccount;
    let pocDe: TestAccount;
    let pocJp: TestAccount;
    let partner: TestAccount;
    let schemas: StixSchemaValidator | null = null;

    before(async () => {
      t = await startTestApp(dialect);
      pocFr = await t.createAccount('poc', { state: 'FR' });
      pocDe = await t.createAccount('poc', { state: 'DE' });
      pocJp = await t.createAccount('poc', { state: 'JP' });
      partner = await t.createAccount('partner', { org: 'Acme Research' });
      if (hasSharedData()) schemas = await loadStixSchemas();
    });
    after(() => t.close());

    function create(token: string | undefined, payload: StixObject) {
      return t.request({ method: 'POST', url: '/api/v1/indicators', token, payload });
    }

    async function createOk(payload: StixObject): Promise<StoredReply> {
      const res = await create(pocFr.token, payload);
      assert.equal(res.statusCode, 201, res.body);

      return res.json<StoredReply>();
    }

    function match(token: string | undefined, pattern: string, object: StixObject) {
      return t.request({
        method: 'POST',
        url: '/api/v1/patterns/match',
        token,
        payload: { pattern, object },
      });
    }

    async function matches(pattern: string, object: StixObject): Promise<boolean> {
      const res = await match(pocDe.token, pattern, object);
      assert.equal(res.statusCode, 200, res.body);

      return res.json<{ matches: boolean }>().matches;
    }

    function assertSchemaValid(object: StixObject) {
      if (schemas === null) return;
      assert.deepEqual(schemas.validate(object), [], JSON.stringify(object));
    }

    const fileNames: [string, string, string][] = [
      [
        "o'neill_brief.docx",
        "[file:name = 'o\\'neill_brief.docx']",
        String.raw`"[file:name = 'o\\'neill_brief.docx']"`,
      ],
      ['a\\b.exe', "[file:name = 'a\\\\b.exe']", String.raw`"[file:name = 'a\\\\b.exe']"`],
    ];
    for (const [name, pattern, json] of fileNames) {
      it(`builds and reads back the indicator for ${name}`, async () => {
        const reply = await createOk({
          observable: { type: 'file', name },
          tlp: 'green',
          severity: 3,
        });
        assert.equal(reply.status, 'stored');
        assert.equal(reply.pattern, pattern);
        assert.equal(reply.object.pattern, pattern);
        assert.equal(reply.stored, 1);
        assert.deepEqual(reply.rejected, []);
        assert.equal(reply.version, reply.object.modified);
        assert.match(reply.id, /^indicator--[0-9a-f-]{36}$/);
        assertSchemaValid(reply.object);

        const rest = await t.request({
          method: 'GET',
          url: `/api/v1/objects/${reply.id}`,
          token: pocDe.token,
        });
        assert.equal(rest.statusCode, 200, rest.body);
        assert.ok(rest.body.includes(`"pattern":${json}`), rest.body);
        const stored = rest.json<StixObject>();
        assert.equal(stored.pattern, pattern);
        assert.deepEqual(stored.object_marking_refs, [tlp2MarkingIds.green]);
        assert.equal(stored.pattern_type, 'stix');
        assertSchemaValid(stored);

        const taxii = await taxiiGet(t, `${MEMBERS}/objects/${reply.id}/`, pocJp.token);
        assert.equal(taxii.statusCode, 200, taxii.body);
        assert.ok(taxii.body.includes(`"pattern":${json}`), taxii.body);
        const objects = taxii.json<Envelope>().objects ?? [];
        assert.equal(objects.length, 1);
        assert.equal(objects[0]?.pattern, pattern);

        const reparsed = parsePattern(pattern);
        assert.equal(reparsed.ok, true);
        assert.equal(await matches(pattern, { type: 'file', name }), true);
        assert.equal(await matches(pattern, { type: 'file', name: `x${name}` }), false);
        assert.equal(await matches(pattern, { type: 'file', name: 'oneill_brief.docx' }), false);
        assert.equal(await matches(pattern, { type: 'directory', path: name }), false);
      });
    }

    const observables: [StixObject, string, StixObject, StixObject][] = [
      [
        { type: 'ipv4-addr', value: '203.0.113.9' },
        "[ipv4-addr:value = '203.0.113.9']",
        { type: 'ipv4-addr', value: '203.0.113.9' },
        { type: 'ipv4-addr', value: '203.0.113.10' },
      ],
      [
        { type: 'ipv4-addr', value: '198.51.100.0/24' },
        "[ipv4-addr:value = '198.51.100.0/24']",
        { type: 'ipv4-addr', value: '198.51.100.0/24' },
        { type: 'ipv4-addr', value: '198.51.100.1' },
      ],
      [
        { type: 'ipv6-addr', value: '2001:db8::1' },
        "[ipv6-addr:value = '2001:db8::1']",
        { type: 'ipv6-addr', value: '2001:db8::1' },
        { type: 'ipv4-addr', value: '2001:db8::1' },
      ],
      [
        { type: 'domain-name', value: 'evil.example' },
        "[domain-name:value = 'evil.example']",
        { type: 'domain-name', value: 'evil.example' },
        { type: 'domain-name', value: 'good.example' },
      ],
      [
        { type: 'url', value: "https://evil.example/o'neill?a=1" },
        "[url:value = 'https://evil.example/o\\'neill?a=1']",
        { type: 'url', value: "https://evil.example/o'neill?a=1" },
        { type: 'url', value: 'https://evil.example/' },
      ],
      [
        { type: 'email-addr', value: 'ops@evil.example' },
        "[email-addr:value = 'ops@evil.example']",
        { type: 'email-addr', value: 'ops@evil.example' },
        { type: 'email-addr', value: 'ceo@evil.example' },
      ],
      [
        { type: 'file', hashes: { 'SHA-256': SHA256 } },
        `[file:hashes.'SHA-256' = '${SHA256}']`,
        { type: 'file', hashes: { 'SHA-256': SHA256 } },
        { type: 'file', hashes: { MD5 } },
      ],
      [
        { type: 'file', hashes: { MD5, 'SHA-1': SHA1 } },
        `[file:hashes.MD5 = '${MD5}' OR file:hashes.'SHA-1' = '${SHA1}']`,
        { type: 'file', hashes: { 'SHA-1': SHA1 } },
        { type: 'file', hashes: { 'SHA-256': SHA256 } },
      ],
      [
        { type: 'file', name: 'dropper.exe', hashes: { MD5 } },
        `[file:name = 'dropper.exe' AND file:hashes.MD5 = '${MD5}']`,
        { type: 'file', name: 'dropper.exe', hashes: { MD5 } },
        { type: 'file', name: 'other.exe', hashes: { MD5 } },
      ],
    ];
    for (const [observable, pattern, matching, other] of observables) {
      it(`builds ${pattern}`, async () => {
        const reply = await createOk({ observable, tlp: 'amber', states: ['DE'] });
        assert.equal(reply.pattern, pattern);
        assertSchemaValid(reply.object);
        assert.equal(await matches(pattern, matching), true);
        assert.equal(await matches(pattern, other), false);
      });
    }

    it('keeps the TLP, audience, severity and texts of the request', async () => {
      const reply = await createOk({
        observable: { type: 'domain-name', value: 'amber.example' },
        name: 'C2 domain of the spring campaign',
        description: 'Seen in phishing mail.\nBlock at the resolver.',
        tlp: 'amber+strict',
        states: ['de'],
        severity: 4,
        kind: 'malicious-code',
        validFrom: '2024-03-05T08:15:30Z',
      });
      assert.equal(reply.object.name, 'C2 domain of the spring campaign');
      assert.equal(reply.object.description, 'Seen in phishing mail.\nBlock at the resolver.');
      assert.equal(reply.object.valid_from, '2024-03-05T08:15:30Z');
      assert.deepEqual(reply.object.object_marking_refs, [tlp2MarkingIds['amber+strict']]);

      const read = (token: string) =>
        t.request({ method: 'GET', url: `/api/v1/objects/${reply.id}`, token });
      assert.equal((await read(pocDe.token)).statusCode, 200);
      assert.equal((await read(pocJp.token)).statusCode, 404);
      assert.equal(
        (await t.request({ method: 'GET', url: `/api/v1/objects/${reply.id}` })).statusCode,
        404,
      );

      const row = await t.ctx.db
        .selectFrom('stix_objects')
        .select(['tlp', 'severity', 'kind', 'type'])
        .where('object_id', '=', reply.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.tlp, 'amber+strict');
      assert.equal(row.severity, 4);
      assert.equal(row.kind, 'malicious-code');
      assert.equal(row.type, 'indicator');
    });

    it('stores TLP:CLEAR indicators for the public', async () => {
      const reply = await createOk({
        observable: { type: 'ipv4-addr', value: '192.0.2.77' },
        tlp: 'clear',
      });
      const res = await t.request({ method: 'GET', url: `/api/v1/objects/${reply.id}` });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json<StixObject>().object_marking_refs, [tlp2MarkingIds.clear]);
    });

    it('warns about TLP:RED without recipient accounts', async () => {
      const reply = await createOk({
        observable: { type: 'ipv4-addr', value: '192.0.2.78' },
        tlp: 'red',
      });
      assert.equal(reply.warnings.length, 1);
      assert.match(reply.warnings[0]?.reason ?? '', /TLP:RED/);
      const other = await t.request({
        method: 'GET',
        url: `/api/v1/objects/${reply.id}`,
        token: pocDe.token,
      });
      assert.equal(other.statusCode, 404);
    });

    const badInput: [string, unknown, string, RegExp][] = [
      ['empty value', { type: 'domain-name', value: '' }, 'observable.value', /must not be empty/],
      ['empty file name', { type: 'file', name: '' }, 'observable.name', /must not be empty/],
      [
        'control character',
        { type: 'file', name: 'a\u0007b.exe' },
        'observable.name',
        /control characters/,
      ],
      ['line break', { type: 'file', name: 'a\nb.exe' }, 'observable.name', /single line/],
      ['file without name', { type: 'file' }, 'observable.name', /name, hashes or both/],
      ['empty hashes', { type: 'file', hashes: {} }, 'observable.hashes', /at least one hash/],
      [
        'short hash',
        { type: 'file', hashes: { 'SHA-256': 'abc' } },
        'observable.hashes.SHA-256',
        /64 hexadecimal digits/,
      ],
      [
        'unknown hash',
        { type: 'file', hashes: { CRC32: 'abcd' } },
        'observable.hashes.CRC32',
        /not a known field/,
      ],
      ['bad IPv4', { type: 'ipv4-addr', value: '300.1.1.1' }, 'observable.value', /IPv4/],
      ['bad IPv6', { type: 'ipv6-addr', value: '2001:db8::zz' }, 'observable.value', /IPv6/],
      ['bad domain', { type: 'domain-name', value: '-x.example' }, 'observable.value', /domain/],
      ['bad URL', { type: 'url', value: 'evil.example/path' }, 'observable.value', /URL/],
      ['bad e-mail', { type: 'email-addr', value: 'ops' }, 'observable.value', /e-mail/],
      ['unknown type', { type: 'mutex', value: 'x' }, 'observable.type', /must be one of/],
      ['value on a file', { type: 'file', value: 'a.exe' }, 'observable.value', /not a known/],
      ['missing value', { type: 'url' }, 'observable.value', /is required/],
    ];
    for (const [label, observable, field, message] of badInput) {
      it(`rejects ${label} with 422 on ${field}`, async () => {
        const before = await countIndicators();
        const res = await create(pocFr.token, { observable, tlp: 'green' });
        assert.equal(res.statusCode, 422, res.body);
        const problem = res.json<ProblemReply>();
        assert.equal(problem.code, 'validation_failed');
        const error = problem.errors?.find((item) => item.field === field);
        assert.ok(error !== undefined, res.body);
        assert.match(error.message, message);
        assert.equal(await countIndicators(), before);
      });
    }

    const badOptions: [string, StixObject, string, RegExp][] = [
      ['missing tlp', {}, 'tlp', /is required/],
      ['unknown tlp', { tlp: 'purple' }, 'tlp', /not a TLP level/],
      ['severity out of range', { tlp: 'green', severity: 6 }, 'severity', /0 \(Baseline\)/],
      ['unknown kind', { tlp: 'green', kind: 'spam' }, 'kind', /must be one of/],
      ['bad validFrom', { tlp: 'green', validFrom: '2024-02-30T00:00:00Z' }, 'validFrom', /./],
      ['bad state', { tlp: 'green', states: ['FRA'] }, 'states.0', /alpha-2/],
      ['unknown state', { tlp: 'green', states: ['ZZ'] }, 'states', /unknown state codes/],
      ['unknown account', { tlp: 'red', accounts: ['nobody@x.test'] }, 'accounts', /no account/],
      ['control in name', { tlp: 'green', name: 'a\u0000b' }, 'name', /control characters/],
      ['unknown field', { tlp: 'green', colour: 'red' }, 'colour', /not a known field/],
    ];
    for (const [label, options, field, message] of badOptions) {
      it(`rejects ${label} with 422 on ${field}`, async () => {
        const before = await countIndicators();
        const res = await create(pocFr.token, {
          observable: { type: 'ipv4-addr', value: '203.0.113.9' },
          ...options,
        });
        assert.equal(res.statusCode, 422, res.body);
        const error = res.json<ProblemReply>().errors?.find((item) => item.field === field);
        assert.ok(error !== undefined, res.body);
        assert.match(error.message, message);
        assert.equal(await countIndicators(), before);
      });
    }

    async function countIndicators(): Promise<number> {
      const row = await t.ctx.db
        .selectFrom('stix_objects')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('type', '=', 'indicator')
        .executeTakeFirstOrThrow();

      return Number(row.count);
    }

    it('requires a signed-in account', async () => {
      const created = await create(undefined, {
        observable: { type: 'ipv4-addr', value: '203.0.113.9' },
        tlp: 'green',
      });
      assert.equal(created.statusCode, 401);
      const matched = await match(undefined, "[file:name = 'a']", { type: 'file', name: 'a' });
      assert.equal(matched.statusCode, 401);
    });

    it("holds a partner's indicator for moderation", async () => {
      const before = await countIndicators();
      const res = await create(partner.token, {
        observable: { type: 'file', name: "o'neill_brief.docx" },
        tlp: 'green',
        states: ['FR'],
      });
      assert.equal(res.statusCode, 202, res.body);
      const held = res.json<HeldReply>();
      assert.equal(held.status, 'held');
      assert.equal(held.pattern, "[file:name = 'o\\'neill_brief.docx']");
      assert.equal(held.moderation.status, 'pending');
      assert.equal(held.moderation.objectCount, 1);
      assert.equal(await countIndicators(), before);
      const unshared = await t.request({
        method: 'GET',
        url: `/api/v1/objects/${held.id}`,
        token: pocFr.token,
      });
      assert.equal(unshared.statusCode, 404);

      const approved = await t.request({
        method: 'POST',
        url: `/api/v1/moderation/${held.moderation.id}/decision`,
        token: pocFr.token,
        payload: { decision: 'approve' },
      });
      assert.equal(approved.statusCode, 200, approved.body);
      const shared = await t.request({
        method: 'GET',
        url: `/api/v1/objects/${held.id}`,
        token: pocDe.token,
      });
      assert.equal(shared.statusCode, 200, shared.body);
      assert.equal(shared.json<StixObject>().pattern, held.pattern);
      assert.deepEqual(shared.json<StixObject>().object_marking_refs, [tlp2MarkingIds.green]);
    });

    it('lets a partner match patterns', async () => {
      const res = await match(partner.token, "[ipv4-addr:value = '203.0.113.9']", {
        type: 'ipv4-addr',
        value: '203.0.113.9',
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { matches: true });
    });

    it('matches the supported operators', async () => {
      const file = { type: 'file', name: 'report.pdf', size: 2048, hashes: { MD5 } };
      assert.equal(await matches("[file:name LIKE '%.pdf']", file), true);
      assert.equal(await matches("[file:name MATCHES '^rep.*\\\\.pdf$']", file), true);
      assert.equal(await matches("[file:name IN ('a.pdf', 'report.pdf')]", file), true);
      assert.equal(await matches("[file:name != 'report.pdf']", file), false);
      assert.equal(await matches('[file:size > 1024 AND file:size <= 2048]', file), true);
      assert.equal(await matches('[EXISTS file:hashes.MD5]', file), true);
      assert.equal(await matches("[file:name = 'x'] OR [file:size = 2048]", file), true);
    });

    const invalidPatterns: [string, RegExp][] = [
      ["[file:name = 'o'neill_brief.docx']", /position 32: unterminated string/],
      ["[file:name = 'a\\b.exe']", /position 15: invalid escape/],
      ["[file:name = 'a'", /position 16: expected '\]'/],
      ["[file:name = 'a'] FOLLOWEDBY [file:name = 'b']", /cannot evaluate FOLLOWEDBY/],
      ["[file:name = 'a'] AND [file:name = 'b']", /cannot evaluate AND/],
      ["[file:name = 'a'] REPEATS 2 TIMES", /repeats qualifier/],
      ["[ipv4-addr:value ISSUBSET 'ten-dot']", /needs an IP address or CIDR block/],
      ["[file:name MATCHES '(']", /not a valid regular expression/],
    ];
    for (const [pattern, message] of invalidPatterns) {
      it(`answers 422 to ${pattern}`, async () => {
        const object = { type: 'file', name: `${'a'.repeat(40)}!` };
        const res = await match(pocDe.token, pattern, object);
        assert.equal(res.statusCode, 422, res.body);
        const error = res.json<ProblemReply>().errors?.find((item) => item.field === 'pattern');
        assert.ok(error !== undefined, res.body);
        assert.match(error.message, message);
      });
    }

    it('answers 422 to a pattern nested too deep', async () => {
      const pattern = `${'('.repeat(2400)}[file:name = 'x']${')'.repeat(2400)}`;
      const res = await match(pocDe.token, pattern, { type: 'file', name: 'y' });
      assert.equal(res.statusCode, 422, res.body);
      const error = res.json<ProblemReply>().errors?.find((item) => item.field === 'pattern');
      assert.ok(error !== undefined, res.body);
      assert.match(error.message, /position 64: .*nested more than 64 levels deep/);
    });

    // On a busy machine the checker may run out of time before it proves the growth. That
    // rejection names the time limit instead, and is just as final.
    const timedOut = 'could not be shown safe from catastrophic backtracking';
    const catastrophic: [string, RegExp][] = [
      [
        "[file:name MATCHES '^(a+)+$']",
        new RegExp(`MATCHES '\\^\\(a\\+\\)\\+\\$' (can take exponential time|${timedOut})`),
      ],
      [
        "[file:name MATCHES '(a|aa)+$']",
        new RegExp(`can take exponential time .*ReDoS|${timedOut}`),
      ],
      [
        "[file:name MATCHES '(.*a){20}']",
        new RegExp(`can take polynomial time .*ReDoS|${timedOut}`),
      ],
      [
        `[file:name LIKE '${'%a'.repeat(12)}b']`,
        new RegExp(`LIKE '%a%a.*' (can take polynomial time|${timedOut})`),
      ],
      [
        "[file:name = 'x' OR file:name MATCHES '(a|aa)+$']",
        new RegExp(`can take exponential time|${timedOut}`),
      ],
    ];
    for (const [pattern, message] of catastrophic) {
      it(`rejects ${pattern} with 422`, async () => {
        const res = await match(pocDe.token, pattern, { type: 'file', name: `${'a'.repeat(40)}!` });
        assert.equal(res.statusCode, 422, res.body);
        const error = res.json<ProblemReply>().errors?.find((item) => item.field === 'pattern');
        assert.ok(error !== undefined, res.body);
        assert.match(error.message, message);
      });
    }

    it('rejects 16 parallel ReDoS requests', async () => {
      const object = { type: 'file', name: `${'a'.repeat(40)}b` };
      const replies = await Promise.all(
        Array.from({ length: 16 }, () =>
          match(pocDe.token, "[file:name MATCHES '^(a+)+$']", object),
        ),
      );
      assert.deepEqual(
        replies.map((res) => res.statusCode),
        Array.from({ length: 16 }, () => 422),
      );
    });

    it('still matches ordinary expressions', async () => {
      const domain = { type: 'domain-name', value: 'evil.example' };
      const file = { type: 'file', name: 'setup.exe' };
      assert.equal(await matches("[domain-name:value MATCHES '^evil\\\\.example$']", domain), true);
      assert.equal(
        await matches("[domain-name:value MATCHES '^evil\\\\.example$']", {
          type: 'domain-name',
          value: 'evilXexample',
        }),
        false,
      );
      assert.equal(await matches("[file:name MATCHES '\\\\.exe$']", file), true);
      assert.equal(
        await matches("[file:name MATCHES '\\\\.exe$']", { type: 'file', name: 'a.pdf' }),
        false,
      );
      assert.equal(await matches("[file:name LIKE '%.exe']", file), true);
      assert.equal(await matches("[file:name LIKE '%etup%']", file), true);
    });

    it('rejects a value too long for MATCHES', async () => {
      const name = `${'a'.repeat(10_001)}.exe`;
      const res = await match(pocDe.token, "[file:name MATCHES '\\\\.exe$']", {
        type: 'file',
        name,
      });
      assert.equal(res.statusCode, 422, res.body);
      const error = res.json<ProblemReply>().errors?.find((item) => item.field === 'object');
      assert.ok(error !== undefined, res.body);
      assert.match(error.message, /file:name is 10005 characters long/);
      assert.equal(await matches("[file:name = 'x']", { type: 'file', name }), false);
    });

    it('rejects a match request without an object type', async () => {
      const res = await match(pocDe.token, "[file:name = 'a']", { name: 'a' });
      assert.equal(res.statusCode, 422, res.body);
      const error = res.json<ProblemReply>().errors?.find((item) => item.field === 'object.type');
      assert.ok(error !== undefined, res.body);
    });
  });
}
