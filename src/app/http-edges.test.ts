import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';

/** Sends raw bytes over a socket and returns everything the server wrote before closing. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('end', () => {
      resolve(received);
    });
    socket.on('error', reject);
  });
}

for (const dialect of testDialects) {
  describe(`HTTP edge cases on ${dialect}`, () => {
    let t: TestApp;
    let port: number;

    before(async () => {
      t = await startTestApp(dialect);
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      port = (t.app.server.address() as AddressInfo).port;
    });
    after(() => t.close());

    it('returns a known path with another method 405 and Allow', async () => {
      const res = await t.request({ method: 'POST', url: '/api/v1/directory', payload: {} });
      assert.equal(res.statusCode, 405);
      assert.equal(res.headers.allow, 'GET, HEAD');
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.equal(res.json<{ code: string }>().code, 'method_not_allowed');
    });

    it('returns 405 with the TAXII media type under /taxii2/', async () => {
      const res = await t.request({
        method: 'DELETE',
        url: '/taxii2/',
        headers: { accept: 'application/taxii+json;version=2.1' },
      });
      assert.equal(res.statusCode, 405);
      assert.match(String(res.headers.allow), /GET/);
      assert.match(String(res.headers['content-type']), /^application\/taxii\+json/);
    });

    it('returns a page path with another method 405 as HTML', async () => {
      const res = await t.request({ method: 'PUT', url: '/', payload: {} });
      assert.equal(res.statusCode, 405);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(String(res.headers.allow), /GET/);
    });

    it('keeps 404 for a path no method has', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/no-such-thing' });
      assert.equal(res.statusCode, 404);
      assert.equal(res.headers.allow, undefined);
    });

    it('shows no sign-out form to a caller signed in by API token', async () => {
      const poc = await t.createAccount('poc', { state: 'FR' });
      const res = await t.request({ method: 'GET', url: '/no-such-page', token: poc.token });
      assert.equal(res.statusCode, 404);
      assert.match(res.body, new RegExp(poc.email.replace(/[.+]/g, '\\$&')));
      assert.doesNotMatch(res.body, /action="\/signout"/);
    });

    it('returns a URL with broken percent-encoding 400 as a problem', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/alerts/%E0%A4%A' });
      assert.equal(res.statusCode, 400);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.match(res.json<{ detail: string }>().detail, /percent-encoding/);
    });

    it('returns oversized headers 431 as a problem and closes', async () => {
      const cookie = 'x'.repeat(40_000);
      const reply = await rawRequest(
        port,
        `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: big=${cookie}\r\n\r\n`,
      );
      assert.match(reply, /^HTTP\/1\.1 431 /);
      assert.match(reply, /content-type: application\/problem\+json/i);
      const body = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { code: string };
      assert.equal(body.code, 'headers_too_large');
    });

    it('returns a malformed request line 400 as a problem', async () => {
      const reply = await rawRequest(port, 'GARBAGE\r\n\r\n');
      assert.match(reply, /^HTTP\/1\.1 400 /);
      const body = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { code: string };
      assert.equal(body.code, 'invalid_request');
    });
  });
}
