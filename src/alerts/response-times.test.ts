import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { loadConfig } from '../config/config.ts';
import { DomainError } from '../shared/errors.ts';
import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import {
  defaultResponseMinutes,
  parseResponseMinutes,
  responseMinutesFor,
} from './response-times.ts';

describe('alert response times', () => {
  it('parse severity:minutes pairs over the defaults', () => {
    const parsed = parseResponseMinutes('5:5, 3:0');
    assert.equal(parsed?.[5], 5);
    assert.equal(parsed[3], null);
    assert.equal(parsed[4], defaultResponseMinutes[4]);
  });

  it('reject malformed settings', () => {
    for (const text of ['5=15', '9:10', '5:', 'x']) assert.equal(parseResponseMinutes(text), null);
    assert.throws(
      () => loadConfig({ ALERT_RESPONSE_MINUTES: '5=15' }),
      (error: unknown) =>
        error instanceof DomainError && /ALERT_RESPONSE_MINUTES/.test(error.message),
    );
  });

  it('prefer the sender’s value, 0 meaning none', () => {
    assert.equal(responseMinutesFor(5, 90), 90);
    assert.equal(responseMinutesFor(5, 0), null);
    assert.equal(responseMinutesFor(5, undefined, { 5: 7 }), 7);
  });
});

for (const dialect of testDialects) {
  describe(`configured response times on ${dialect}`, () => {
    let t: TestApp;
    let sender: TestAccount;

    before(async () => {
      t = await startTestApp(dialect, {
        alertResponseMinutes: { ...defaultResponseMinutes, 3: 30 },
      });
      sender = await t.createAccount('secretariat');
      await insertPoc(t.ctx, { state: 'UY' });
    });
    after(() => t.close());

    it('sets the deadline from the deployment’s setting', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload: { title: 'Outage', severity: 3, tlp: 'green', body: 'Details follow.' },
      });
      assert.equal(res.statusCode, 201, res.body);
      const { id } = res.json<{ id: string }>();
      const alert = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${id}`,
        token: sender.token,
      });
      const expected = new Date(t.clock.now().getTime() + 30 * 60_000).toISOString();
      assert.equal(alert.json<{ responseDueAt: string }>().responseDueAt, expected);
    });
  });
}
