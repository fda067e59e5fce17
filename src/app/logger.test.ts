import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { redactUrl } from './logger.ts';

describe('logged request URLs', () => {
  it('hide the token of personal links', () => {
    assert.equal(redactUrl('/alerts/ack/abc123_-x?via=mail'), '/alerts/ack/[redacted]?via=mail');
    assert.equal(redactUrl('/invite/abc'), '/invite/[redacted]');
    assert.equal(redactUrl('/reset/abc/'), '/reset/[redacted]/');
    assert.equal(redactUrl('/checks/answer/t0k3n'), '/checks/answer/[redacted]');
  });

  it('keep every other path as it is', () => {
    assert.equal(redactUrl('/api/v1/alerts/42'), '/api/v1/alerts/42');
    assert.equal(redactUrl('/?q=invite/x'), '/?q=invite/x');
  });
});
