import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import type { DocumentView } from './library.schema.ts';

for (const dialect of testDialects) {
  describe(`guidance library on ${dialect}`, () => {
    let t: TestApp;
    let frEditor: TestAccount;
    let frPoc: TestAccount;
    let dePoc: TestAccount;
    let secretariat: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      frEditor = await t.createAccount('state-editor', { state: 'FR' });
      frPoc = await t.createAccount('poc', { state: 'FR' });
      dePoc = await t.createAccount('poc', { state: 'DE' });
      secretariat = await t.createAccount('secretariat');
    });
    after(() => t.close());

    const add = (token: string, payload: Record<string, unknown>) =>
      t.request({ method: 'POST', url: '/api/v1/library', token, payload });
    const read = (id: string, token?: string) =>
      t.request({ method: 'GET', url: `/api/v1/library/${id}`, token });

    it('rejects a document without a valid TLP', async () => {
      const res = await add(frPoc.token, { title: 'Notes', body: 'x', tlp: 'purple' });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /"field":"tlp"/);
    });

    it('keeps GREEN documents from the public', async () => {
      const res = await add(frPoc.token, {
        title: 'Incident handover checklist',
        body: '# Handover\n\nCall the **duty officer**.',
        tags: ['Incident', 'handover'],
        tlp: 'TLP:GREEN',
      });
      assert.equal(res.statusCode, 201);
      const doc = res.json<DocumentView>();
      assert.equal(doc.version, 1);
      assert.deepEqual(doc.tags, ['incident', 'handover']);
      assert.equal((await read(doc.id)).statusCode, 404);
      assert.equal((await read(doc.id, dePoc.token)).statusCode, 200);
    });

    it('limits AMBER documents to the author state', async () => {
      const res = await add(frEditor.token, {
        title: 'Escalation tree',
        body: 'FR only',
        tlp: 'amber',
      });
      const id = res.json<DocumentView>().id;
      assert.equal((await read(id, frPoc.token)).statusCode, 200);
      assert.equal((await read(id, dePoc.token)).statusCode, 404);
      // As for shared STIX objects, AMBER reaches the secretariat only when it is the author.
      assert.equal((await read(id, secretariat.token)).statusCode, 404);
    });

    it('limits RED documents to their author', async () => {
      const res = await add(frEditor.token, { title: 'Private', body: 'secret', tlp: 'red' });
      const id = res.json<DocumentView>().id;
      assert.equal((await read(id, frEditor.token)).statusCode, 200);
      assert.equal((await read(id, frPoc.token)).statusCode, 404);
    });

    it('keeps every version on edit and rejects a stale edit', async () => {
      const created = await add(frPoc.token, {
        title: 'Drill guide',
        body: 'v1 text',
        tlp: 'clear',
      });
      const id = created.json<DocumentView>().id;
      const patch = (token: string, payload: Record<string, unknown>) =>
        t.request({ method: 'PATCH', url: `/api/v1/library/${id}`, token, payload });

      const edited = await patch(frPoc.token, { body: 'v2 text', baseVersion: 1 });
      assert.equal(edited.statusCode, 200);
      assert.equal(edited.json<DocumentView>().version, 2);
      const stale = await patch(frPoc.token, { body: 'v2 again', baseVersion: 1 });
      assert.equal(stale.statusCode, 409);
      const other = await patch(dePoc.token, { body: 'not mine', baseVersion: 2 });
      assert.equal(other.statusCode, 403);

      const versions = await t.request({ method: 'GET', url: `/api/v1/library/${id}/versions` });
      const bodies = versions.json<{ versions: { body: string }[] }>().versions.map((v) => v.body);
      assert.deepEqual(bodies, ['v1 text', 'v2 text']);
    });

    it('hides older stricter versions after the TLP is lowered', async () => {
      const created = await add(frEditor.token, { title: 'Was red', body: 'red text', tlp: 'red' });
      const id = created.json<DocumentView>().id;
      await t.request({
        method: 'PATCH',
        url: `/api/v1/library/${id}`,
        token: frEditor.token,
        payload: { tlp: 'green', body: 'green text', baseVersion: 1 },
      });
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/library/${id}/versions`,
        token: dePoc.token,
      });
      assert.equal(res.statusCode, 200);
      assert.ok(!res.body.includes('red text'));
      assert.match(res.body, /green text/);
    });

    it('searches words without accents and by tag', async () => {
      await add(frPoc.token, {
        title: 'Réponse aux incidents',
        body: 'Procédure',
        tlp: 'clear',
        tags: ['fr'],
      });
      const byWord = await t.request({
        method: 'GET',
        url: '/api/v1/library?q=reponse%20procedure',
      });
      const titles = byWord
        .json<{ documents: { title: string }[] }>()
        .documents.map((d) => d.title);
      assert.deepEqual(titles, ['Réponse aux incidents']);
      const byTag = await t.request({
        method: 'GET',
        url: '/api/v1/library?tag=handover',
        token: dePoc.token,
      });
      assert.equal(byTag.json<{ documents: unknown[] }>().documents.length, 1);
      const literal = await t.request({ method: 'GET', url: '/api/v1/library?q=%25' });
      assert.equal(literal.json<{ documents: unknown[] }>().documents.length, 0);
    });

    it('sanitises Markdown when it renders a document', async () => {
      const body = [
        '# Title',
        '<script>alert(1)</script>',
        '[click](javascript:alert(2))',
        '<img src="x" onerror="alert(3)">',
        '<a href="https://example.org" onclick="alert(4)">safe link</a>',
      ].join('\n\n');
      const res = await add(frPoc.token, { title: 'Hostile', body, tlp: 'clear' });
      // The author's page also shows the source in the edit form, which must stay inert text.
      const page = await t.request({
        method: 'GET',
        url: `/library/${res.json<DocumentView>().id}`,
        token: frPoc.token,
      });
      assert.equal(page.statusCode, 200);
      const article = /<article>([\s\S]*)<\/article>/.exec(page.body)?.[1] ?? '';
      assert.match(article, /<h1>Title<\/h1>/);
      assert.doesNotMatch(article, /javascript:/);
      assert.doesNotMatch(article, /onerror|onclick/);
      assert.doesNotMatch(page.body, /<script>alert/);
      assert.doesNotMatch(page.body, /<img/);
      assert.match(
        article,
        /<a href="https:\/\/example.org" rel="noopener noreferrer nofollow">safe link<\/a>/,
      );
    });

    it('saves a new version from the edit form', async () => {
      const created = await add(frPoc.token, { title: 'Form edit', body: 'first', tlp: 'green' });
      const id = created.json<DocumentView>().id;
      const form = new URLSearchParams({
        title: 'Form edit',
        tags: 'drill, form',
        tlp: 'GREEN',
        body: 'second',
        baseVersion: '1',
      });
      const res = await t.request({
        method: 'POST',
        url: `/library/${id}`,
        token: frPoc.token,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: form.toString(),
      });
      assert.equal(res.statusCode, 303);
      const doc = (await read(id, frPoc.token)).json<DocumentView>();
      assert.equal(doc.version, 2);
      assert.equal(doc.body, 'second');
      assert.deepEqual(doc.tags, ['drill', 'form']);
      const page = await t.request({ method: 'GET', url: `/library/${id}`, token: dePoc.token });
      assert.match(page.body, /Version 2, /);
      assert.doesNotMatch(page.body, /Save a new version/);
    });
  });
}
