// Triggers errors of every capability through the real routes under the pseudo-locale en-XA, in
// which every catalogue string is wrapped in ⟦ ⟧. The test fails when a problem detail, a field
// message or a TAXII error text came from anywhere but the catalogue. A static check also scans
// the sources for error text written in place. The server's default language is en-XA, so
// requests without Accept-Language get it. LOCALE is set before any import of the application
// too, because the server default catalogue of zod schema messages is chosen when
// src/i18n/messages.ts loads.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';

import ts from 'typescript';

process.env.LOCALE = 'en-XA';
const { stripPseudo } = await import('./pseudo-locale.ts');
const { testDialects } = await import('../../test/support/database.ts');
const { startTestApp } = await import('../../test/support/test-app.ts');
const { tlp2MarkingIds } = await import('../sharing/tlp.ts');

type LightResponse = Awaited<ReturnType<Awaited<ReturnType<typeof startTestApp>>['request']>>;

interface ProblemReply {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

interface TaxiiErrorReply {
  title: string;
  description: string;
  details?: { fields: { field: string; message: string }[] };
}

const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const BODY_LIMIT = 64 * 1024;

/**
 * Returns why a text did not come from the catalogue, or null when it did: it must be one ⟦…⟧
 * segment, with no letters left outside the brackets.
 */
function findUnwrapped(text: string | undefined): string | null {
  if (text === undefined) return 'missing';
  if (!text.startsWith('⟦') || !text.endsWith('⟧')) return `not wrapped: ${text}`;
  const rest = stripPseudo(text);

  return /\p{L}/u.test(rest) ? `text outside the catalogue: ${rest.trim()}` : null;
}

/** Asserts that every text of a problem document comes from the catalogue. */
function assertProblemFromCatalogue(res: LightResponse, name: string) {
  const problem = res.json<ProblemReply>();
  assert.equal(findUnwrapped(problem.detail), null, `${name}: detail`);
  for (const { field, message } of problem.errors ?? []) {
    assert.equal(findUnwrapped(message), null, `${name}: errors[${field}]`);
  }
}

/** Asserts that every text of a TAXII error resource comes from the catalogue. */
function assertTaxiiErrorFromCatalogue(res: LightResponse, name: string) {
  const error = res.json<TaxiiErrorReply>();
  assert.equal(findUnwrapped(error.title), null, `${name}: title`);
  assert.equal(findUnwrapped(error.description), null, `${name}: description`);
  for (const { field, message } of error.details?.fields ?? []) {
    assert.equal(findUnwrapped(message), null, `${name}: details.fields[${field}]`);
  }
}

function indicator(markingRefs: string[]) {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: 'indicator--6f1a2c3e-9b7d-4e21-8c55-0d2f4a6b8e91',
    created: '2024-03-05T08:15:30.000Z',
    modified: '2024-03-05T08:15:30.000Z',
    pattern: "[ipv4-addr:value = '203.0.113.9']",
    pattern_type: 'stix',
    valid_from: '2024-03-05T08:15:30Z',
    object_marking_refs: markingRefs,
  };
}

for (const dialect of testDialects) {
  describe(`error replies under the pseudo-locale on ${dialect}`, () => {
    let t: Awaited<ReturnType<typeof startTestApp>>;
    let editorFr: Awaited<ReturnType<typeof t.createAccount>>;
    let pocFr: Awaited<ReturnType<typeof t.createAccount>>;
    let secretariat: Awaited<ReturnType<typeof t.createAccount>>;

    before(async () => {
      t = await startTestApp(dialect, {
        bodyLimit: BODY_LIMIT,
        locale: 'en-XA',
        offeredLocales: ['en-XA', 'en'],
      });
      editorFr = await t.createAccount('state-editor', { state: 'FR' });
      pocFr = await t.createAccount('poc', { state: 'FR' });
      secretariat = await t.createAccount('secretariat');
    });

    after(async () => {
      await t.close();
    });

    const poc = {
      level: 'policy',
      name: 'Claire Martin',
      designation: 'Adviser',
      organisation: 'ANSSI',
      email: 'claire.martin@anssi.fr.example',
    };

    // Each case names the capability and the error, sends one request and expects one status,
    // and `fields` lists field errors that the reply must contain.
    const cases: {
      name: string;
      status: number;
      fields?: string[];
      send: () => Promise<LightResponse>;
    }[] = [
      {
        name: 'directory: PoC level and hours invalid',
        status: 422,
        fields: ['level', 'hours.mon.0', 'languages.0'],
        send: () =>
          t.request({
            method: 'POST',
            url: '/api/v1/pocs',
            token: editorFr.token,
            payload: {
              ...poc,
              level: 'military',
              hours: { mon: ['18:00-09:00'] },
              languages: ['xx'],
            },
          }),
      },
      {
        name: 'alerts: severity and recipients invalid',
        status: 422,
        fields: ['title', 'severity', 'tlp', 'states.0'],
        send: () =>
          t.request({
            method: 'POST',
            url: '/api/v1/alerts',
            token: pocFr.token,
            payload: { title: '', severity: 9, tlp: 'purple', body: 'x', states: ['France'] },
          }),
      },
      {
        name: 'sharing: options invalid',
        status: 422,
        fields: ['tlp', 'severity', 'states.0'],
        send: () =>
          t.request({
            method: 'POST',
            url: '/api/v1/bundles?tlp=purple&severity=nine&states=France',
            token: pocFr.token,
            payload: { type: 'bundle', id: 'bundle--x', objects: [] },
          }),
      },
      {
        name: 'directory: PoC fields missing',
        status: 422,
        send: () =>
          t.request({
            method: 'POST',
            url: '/api/v1/pocs',
            token: editorFr.token,
            payload: { level: 'policy' },
          }),
      },
      {
        name: 'directory: PoC phone invalid',
        status: 422,
        fields: ['phone'],
        send: () =>
          t.request({
            method: 'POST',
            url: '/api/v1/pocs',
            token: editorFr.token,
            payload: { ...poc, email: 'phone@anssi.fr.example', phone: 'call the desk' },
          }),
      },
      {
        name: 'directory: PoC duplicate',
        status: 409,
        send: async () => {
          const first = await t.request({
            method: 'POST',
            url: '/api/v1/pocs',
            token: editorFr.token,
            payload: poc,
          });
          assert.equal(first.statusCode, 201, first.body);
          return t.request({
            method: 'POST',
            url: '/api/v1/pocs',
            token: editorFr.token,
            payload: poc,
          });
        },
      },
      {
        name: 'directory: PoC changed since read',
        status: 412,
        send: async () => {
          const created = await t.request({
            method: 'POST',
            url: '/api/v1/pocs',
            token: editorFr.token,
            payload: { ...poc, email: 'version@anssi.fr.example', name: 'Paul Version' },
          });
          assert.equal(created.statusCode, 201, created.body);
          return t.request({
            method: 'PATCH',
            url: `/api/v1/pocs/${created.json<{ id: string }>().id}`,
            token: editorFr.token,
            headers: { 'if-match': '"99"' },
            payload: { designation: 'Adviser' },
          });
        },
      },
      {
        name: 'http: If-Match malformed',
        status: 400,
        fields: ['If-Match'],
        send: () =>
          t.request({
            method: 'PATCH',
            url: `/api/v1/pocs/${UNKNOWN_ID}`,
            token: editorFr.token,
            headers: { 'if-match': '99' },
            payload: { designation: 'Adviser' },
          }),
      },
      {
        name: 'directory: health forbidden to a PoC',
        status: 403,
        send: () =>
          t.request({ method: 'GET', url: '/api/v1/directory/health', token: pocFr.token }),
      },
      {
        name: 'alerts: alert not found',
        status: 404,
        send: () =>
          t.request({ method: 'GET', url: `/api/v1/alerts/${UNKNOWN_ID}`, token: pocFr.token }),
      },
      {
        name: 'alerts: unknown recipient state',
        status: 422,
        send: () =>
          t.request({
            method: 'POST',
            url: '/api/v1/alerts',
            token: pocFr.token,
            payload: {
              title: 'Phishing wave',
              severity: 3,
              tlp: 'TLP:GREEN',
              body: 'x',
              states: ['QQ'],
            },
          }),
      },
      {
        name: 'sharing: two TLP levels',
        status: 422,
        send: () =>
          t.request({
            method: 'POST',
            url: '/api/v1/bundles',
            token: pocFr.token,
            payload: {
              type: 'bundle',
              id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d',
              objects: [indicator([tlp2MarkingIds.clear, tlp2MarkingIds.red])],
            },
          }),
      },
      {
        name: 'requests: request to the own state',
        status: 422,
        send: () =>
          t.request({
            method: 'POST',
            url: '/api/v1/requests',
            token: pocFr.token,
            payload: {
              type: 'request-for-assistance',
              toState: 'FR',
              toLevels: ['technical'],
              subject: 'DDoS on the port authority',
              sector: 'Transport',
              description: 'Traffic from hosts in your networks.',
              requestedAction: 'Please contact the hosting providers.',
              severity: 3,
              responseMinutes: 120,
              tlp: 'amber',
            },
          }),
      },
      {
        name: 'checks: unknown state',
        status: 422,
        send: () =>
          t.request({
            method: 'POST',
            url: '/api/v1/checks',
            token: secretariat.token,
            payload: { title: 'Reachability', states: ['QQ'], windowMinutes: 60 },
          }),
      },
      {
        name: 'exercises: started twice',
        status: 409,
        send: async () => {
          const created = await t.request({
            method: 'POST',
            url: '/api/v1/exercises',
            token: secretariat.token,
            payload: {
              title: 'Drill',
              scenario: 'A drill.',
              states: ['FR'],
              levels: ['technical'],
            },
          });
          assert.equal(created.statusCode, 201, created.body);
          const url = `/api/v1/exercises/${created.json<{ id: string }>().id}/start`;
          const started = await t.request({ method: 'POST', url, token: secretariat.token });
          assert.equal(started.statusCode, 200, started.body);
          return t.request({ method: 'POST', url, token: secretariat.token });
        },
      },
      {
        name: 'webhooks: loopback target',
        status: 422,
        send: () =>
          t.request({
            method: 'POST',
            url: '/api/v1/webhooks',
            token: editorFr.token,
            payload: { url: 'http://127.0.0.1:9/hook' },
          }),
      },
      {
        name: 'communities: created by a PoC',
        status: 403,
        send: () =>
          t.request({
            method: 'POST',
            url: '/api/v1/communities',
            token: pocFr.token,
            payload: { name: 'Finance CERTs', states: ['FR'] },
          }),
      },
      {
        name: 'library: document not found',
        status: 404,
        send: () =>
          t.request({ method: 'GET', url: `/api/v1/library/${UNKNOWN_ID}`, token: pocFr.token }),
      },
      {
        name: 'auth: revoked or unknown token',
        status: 401,
        send: () => t.request({ method: 'GET', url: '/api/v1/alerts', token: 'prl_unknown' }),
      },
      {
        name: 'auth: no credentials',
        status: 401,
        send: () => t.request({ method: 'GET', url: '/api/v1/alerts' }),
      },
      {
        name: 'http: bad JSON body',
        status: 400,
        send: () =>
          t.request({
            method: 'POST',
            url: '/api/v1/alerts',
            token: pocFr.token,
            headers: { 'content-type': 'application/json' },
            payload: '{"title":',
          }),
      },
      {
        name: 'http: body too large',
        status: 413,
        send: () =>
          t.request({
            method: 'POST',
            url: '/api/v1/bundles',
            token: pocFr.token,
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify({ body: 'x'.repeat(BODY_LIMIT) }),
          }),
      },
      {
        name: 'http: JSON nested too deeply',
        status: 400,
        send: () =>
          t.request({
            method: 'POST',
            url: '/api/v1/alerts',
            token: pocFr.token,
            headers: { 'content-type': 'application/json' },
            payload: '['.repeat(200) + ']'.repeat(200),
          }),
      },
      {
        name: 'http: unsupported media type',
        status: 415,
        send: () =>
          t.request({
            method: 'POST',
            url: '/api/v1/alerts',
            token: pocFr.token,
            headers: { 'content-type': 'text/plain' },
            payload: 'title=x',
          }),
      },
      {
        name: 'http: bad query encoding',
        status: 400,
        send: () =>
          t.request({ method: 'GET', url: '/api/v1/alerts?box=%E0%A4%A', token: pocFr.token }),
      },
      {
        name: 'http: bad URL encoding',
        status: 400,
        send: () =>
          t.request({ method: 'GET', url: '/api/v1/alerts/%E0%A4%A', token: pocFr.token }),
      },
      {
        name: 'http: method not allowed',
        status: 405,
        send: () => t.request({ method: 'PATCH', url: '/api/v1/alerts', token: pocFr.token }),
      },
      {
        name: 'http: no route',
        status: 404,
        send: () => t.request({ method: 'GET', url: '/api/v1/no-such-resource' }),
      },
    ];

    for (const { name, status, fields = [], send } of cases) {
      it(`${name} takes text from the catalogue`, async () => {
        const res = await send();
        assert.equal(res.statusCode, status, res.body);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
        const reported = (res.json<ProblemReply>().errors ?? []).map((error) => error.field);
        for (const field of fields) assert.ok(reported.includes(field), `${name}: ${field}`);
        assertProblemFromCatalogue(res, name);
      });
    }

    it('keeps stable codes under the pseudo-locale', async () => {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${UNKNOWN_ID}`,
        token: pocFr.token,
      });
      assert.equal(res.json<ProblemReply>().code, 'not_found');
    });

    const taxiiCases: { name: string; status: number; send: () => Promise<LightResponse> }[] = [
      {
        name: 'collection not found',
        status: 404,
        send: () =>
          t.request({
            method: 'GET',
            url: '/taxii2/members/collections/nope/',
            token: pocFr.token,
            headers: { accept: TAXII_MEDIA_TYPE },
          }),
      },
      {
        name: 'Accept not TAXII',
        status: 406,
        send: () =>
          t.request({ method: 'GET', url: '/taxii2/', headers: { accept: 'application/json' } }),
      },
      {
        name: 'cursor not issued',
        status: 400,
        send: () =>
          t
            .request({
              method: 'GET',
              url: '/taxii2/public/collections/',
              headers: { accept: TAXII_MEDIA_TYPE },
            })
            .then(async (listed) => {
              assert.equal(listed.statusCode, 200, listed.body);
              const [collection] = listed.json<{ collections: { id: string }[] }>().collections;
              assert.ok(collection !== undefined, 'the public root has a collection');
              return t.request({
                method: 'GET',
                url: `/taxii2/public/collections/${collection.id}/objects/?next=forged.cursor`,
                headers: { accept: TAXII_MEDIA_TYPE },
              });
            }),
      },
    ];

    for (const { name, status, send } of taxiiCases) {
      it(`TAXII ${name} takes text from the catalogue`, async () => {
        const res = await send();
        assert.equal(res.statusCode, status, res.body);
        assert.equal(res.headers['content-type'], TAXII_MEDIA_TYPE);
        assertTaxiiErrorFromCatalogue(res, name);
      });
    }
  });
}

/** Lists the TypeScript sources outside the catalogue and the tests. */
function listServerSources(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts') && !path.endsWith('.test.ts'))
    .filter((path) => !path.startsWith('i18n'))
    .map((path) => join(root, path));
}

/** Returns whether an expression is text written in place: a string, template or concatenation. */
function isInlineText(node: ts.Node): boolean {
  if (ts.isParenthesizedExpression(node)) return isInlineText(node.expression);
  if (ts.isConditionalExpression(node)) {
    return isInlineText(node.whenTrue) || isInlineText(node.whenFalse);
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return isInlineText(node.left) || isInlineText(node.right);
  }

  return (
    ts.isStringLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    ts.isTemplateExpression(node)
  );
}

/** Returns whether an error text argument is, or returns, text written in place. */
function isInlineErrorText(node: ts.Node): boolean {
  if (ts.isArrowFunction(node)) {
    return ts.isBlock(node.body) ? false : isInlineText(node.body);
  }

  return isInlineText(node);
}

/** Returns the `message` values of the field errors in an array literal. */
function fieldMessages(node: ts.Node | undefined): ts.Node[] {
  if (node === undefined || !ts.isArrayLiteralExpression(node)) return [];

  return node.elements.flatMap((element) => {
    if (!ts.isObjectLiteralExpression(element)) return [];
    return element.properties.flatMap((property) =>
      ts.isPropertyAssignment(property) && property.name.getText() === 'message'
        ? [property.initializer]
        : [],
    );
  });
}

// Which argument of each error builder carries text, and which carries field errors.
const textArguments: Record<string, { text: number; fields?: number }> = {
  DomainError: { text: 1, fields: 2 },
  notFound: { text: 0 },
  invalidField: { text: 1 },
  invalidFields: { text: 0, fields: 1 },
};

/** Lists the line of every error built with text written in place in one source file. */
function findInlineErrorLines(file: ts.SourceFile): number[] {
  const lines: number[] = [];
  const visit = (node: ts.Node) => {
    const isCall = ts.isNewExpression(node) || ts.isCallExpression(node);
    const positions =
      isCall && ts.isIdentifier(node.expression) ? textArguments[node.expression.text] : undefined;
    if (isCall && positions !== undefined) {
      const args = node.arguments ?? [];
      const text = args[positions.text];
      const messages = positions.fields === undefined ? [] : fieldMessages(args[positions.fields]);
      for (const candidate of [...(text === undefined ? [] : [text]), ...messages]) {
        if (!isInlineErrorText(candidate)) continue;
        lines.push(file.getLineAndCharacterOfPosition(candidate.getStart()).line + 1);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);

  return lines;
}

function parseSource(path: string, text: string): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
}

describe('error text in the sources', () => {
  it('finds text written in place', () => {
    const source = [
      "throw new DomainError('conflict', 'Already done');",
      'throw notFound((m) => `${m.problems.alerts.alertNotFound}!`);',
      "throw invalidField('x', (m) => m.problems.alerts.invalidEmail);",
      "throw new DomainError('conflict', (m) => m.problems.checks.checkNotFound, [",
      "  { field: 'x', message: (m) => 'inline' },",
      ']);',
      "throw invalidFields((m) => m.problems.http.invalidInput.alert, [{ field: 'y', message: 'z' }]);",
    ].join('\n');
    assert.deepEqual(findInlineErrorLines(parseSource('fixture.ts', source)), [1, 2, 5, 7]);
  });

  it('builds every domain error with catalogue text', () => {
    const root = join(import.meta.dirname, '..');
    const found = listServerSources(root).flatMap((path) => {
      const file = parseSource(path, readFileSync(path, 'utf8'));
      return findInlineErrorLines(file).map((line) => `${relative(root, path)}:${line}`);
    });
    assert.deepEqual(found, [], 'errors with text outside the catalogue');
  });
});
