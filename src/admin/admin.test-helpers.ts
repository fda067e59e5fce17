import assert from 'node:assert/strict';

import type { LightMyRequestResponse } from 'fastify';

import { JobWorker } from '../jobs/worker.ts';
import type { TestApp } from '../../test/support/test-app.ts';
import { adminJobKinds } from './admin-mail.job.ts';

/** Runs the pending invitation and password-reset mail jobs; returns how many attempts ran. */
export function runAdminMailJobs(t: TestApp): Promise<number> {
  const worker = new JobWorker(t.ctx, adminJobKinds, { pollIntervalMs: 20 });

  return worker.runUntilIdle();
}

/** Reads the one-time token of the newest mail to `to` whose link starts with `path`. */
export async function readMailedToken(
  t: TestApp,
  to: string,
  path: '/invite' | '/reset',
): Promise<string> {
  const mails = await t.ctx.db
    .selectFrom('mail_outbox')
    .select(['text_body'])
    .where('to_address', '=', to)
    .orderBy('id', 'desc')
    .execute();
  const prefix = `${t.ctx.config.publicUrl}${path}/`;
  for (const mail of mails) {
    const line = mail.text_body.split('\n').find((l) => l.startsWith(prefix));
    if (line !== undefined) return decodeURIComponent(line.slice(prefix.length));
  }
  assert.fail(`no mail to ${to} holds a ${path} link`);
}

/** The hidden CSRF field and its double-submit cookie of a form page. */
export interface FormCsrf {
  field: string;
  cookies: Record<string, string>;
}

/** Reads the `_csrf` field and the cookies a form page set. */
export function readFormCsrf(page: LightMyRequestResponse): FormCsrf {
  const match = /name="_csrf" value="([^"]*)"/.exec(page.body);
  assert.ok(match?.[1] !== undefined, 'the page has a _csrf field');
  const cookies = Object.fromEntries(page.cookies.map((c) => [c.name, c.value]));

  return { field: match[1], cookies };
}

/** Opens a link page and posts its password form, as a browser does. */
export async function submitPasswordForm(
  t: TestApp,
  url: string,
  password: string,
  confirm = password,
): Promise<LightMyRequestResponse> {
  const page = await t.request({ method: 'GET', url });
  assert.equal(page.statusCode, 200, page.body);
  const csrf = readFormCsrf(page);

  return t.request({
    method: 'POST',
    url,
    cookies: csrf.cookies,
    payload: new URLSearchParams({ _csrf: csrf.field, password, confirm }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

/** Signs in through the sign-in form and returns the response of the POST. */
export async function signInWithForm(t: TestApp, email: string, password: string) {
  const page = await t.request({ method: 'GET', url: '/signin' });
  const csrf = readFormCsrf(page);

  return t.request({
    method: 'POST',
    url: '/signin',
    cookies: csrf.cookies,
    payload: new URLSearchParams({ _csrf: csrf.field, email, password, next: '/app/' }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

/** Returns the session cookie a response set, or fails the test. */
export function sessionCookieOf(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'parley_session');
  assert.ok(cookie !== undefined, 'a session cookie is set');
  assert.notEqual(cookie.value, '', 'the session cookie has a value');

  return cookie.value;
}

/** Counts the rejections of one action by one account in the audit log. */
export async function countRejections(t: TestApp, accountId: string, action: string) {
  const rows = await t.ctx.db
    .selectFrom('audit_log')
    .select('seq')
    .where('account_id', '=', accountId)
    .where('action', '=', action)
    .where('outcome', '=', 'denied')
    .execute();

  return rows.length;
}
