import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';
import { registerLocaleNegotiation } from '../app/locale.ts';
import { registerWorkspaceRoutes, WORKSPACE_DIST_DIR } from './workspace.routes.ts';

const INDEX_HTML = '<!doctype html><title>workspace</title><div id="root"></div>';
const SCRIPT = 'console.log("bundle");';

async function startWorkspace(distDir: string): Promise<FastifyInstance> {
  const app = Fastify();
  // The workspace's error pages are written in the request's language.
  registerLocaleNegotiation(app, { locale: 'en', offeredLocales: ['en'] });
  registerWorkspaceRoutes(app, { logger: pino({ level: 'silent' }) }, { distDir });
  app.get('/apple', () => ({ route: 'outside the workspace' }));
  await app.ready();

  return app;
}

describe('workspace with a build', () => {
  let distDir: string;
  let app: FastifyInstance;

  before(async () => {
    distDir = await mkdtemp(join(tmpdir(), 'parley-web-'));
    await mkdir(join(distDir, 'assets'));
    await writeFile(join(distDir, 'index.html'), INDEX_HTML);
    await writeFile(join(distDir, 'assets', 'index-abc123.js'), SCRIPT);
    app = await startWorkspace(distDir);
  });
  after(async () => {
    await app.close();
    await rm(distDir, { recursive: true, force: true });
  });

  for (const url of ['/app/', '/app', '/app/inbox', '/app/alerts/a1b2', '/app/pocs?x=1']) {
    it(`serves index.html at ${url}`, async () => {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.equal(res.body, INDEX_HTML);
      assert.equal(res.headers['cache-control'], 'no-cache');
    });
  }

  it('sets a strict content security policy', async () => {
    const res = await app.inject({ method: 'GET', url: '/app/inbox' });
    const policy = String(res.headers['content-security-policy']);
    assert.match(policy, /script-src 'self'/);
    assert.doesNotMatch(policy, /unsafe-inline/);
    assert.match(policy, /frame-ancestors 'none'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  it('serves hashed assets as immutable', async () => {
    const res = await app.inject({ method: 'GET', url: '/app/assets/index-abc123.js' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /javascript/);
    assert.equal(res.body, SCRIPT);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  it('missing asset returns 404', async () => {
    for (const url of ['/app/assets/index-old.js', '/app/favicon.ico', '/app/assets/']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.notEqual(res.body, INDEX_HTML, url);
    }
  });

  it('POST to a client route returns 404', async () => {
    const res = await app.inject({ method: 'POST', url: '/app/inbox', payload: {} });
    assert.equal(res.statusCode, 404);
  });

  it('path traversal returns 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/app/..%2f..%2fetc%2fpasswd' });
    assert.equal(res.statusCode, 404);
    assert.notEqual(res.body, INDEX_HTML);
  });

  it('/apple stays outside the workspace', async () => {
    const res = await app.inject({ method: 'GET', url: '/apple' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { route: 'outside the workspace' });
  });
});

describe('workspace without a build', () => {
  let distDir: string;
  let app: FastifyInstance;

  before(async () => {
    distDir = await mkdtemp(join(tmpdir(), 'parley-web-missing-'));
    app = await startWorkspace(join(distDir, 'dist'));
  });
  after(async () => {
    await app.close();
    await rm(distDir, { recursive: true, force: true });
  });

  for (const url of ['/app/', '/app/inbox']) {
    it(`${url} returns 503 naming the build command`, async () => {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 503);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(res.body, /npm run build:web/);
    });
  }
});

for (const dialect of testDialects) {
  describe(`workspace in the full app on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(dialect);
    });
    after(() => t.close());

    it('/app/inbox follows the build state', async () => {
      const isBuilt = existsSync(join(WORKSPACE_DIST_DIR, 'index.html'));
      const res = await t.request({ method: 'GET', url: '/app/inbox' });
      assert.equal(res.statusCode, isBuilt ? 200 : 503);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      if (isBuilt) assert.match(res.body, /<div id="root"><\/div>/);
    });

    it('API 404 stays a problem document', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/no-such-thing' });
      assert.equal(res.statusCode, 404);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    });
  });
}
