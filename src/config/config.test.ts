import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadConfig } from './config.ts';

describe('public URL default', () => {
  it('follows HOST and PORT', () => {
    const config = loadConfig({ HOST: '127.0.0.1', PORT: '3100' });
    assert.equal(config.publicUrl, 'http://127.0.0.1:3100');
  });

  it('brackets an IPv6 HOST', () => {
    const config = loadConfig({ HOST: '::1', PORT: '3100' });
    assert.equal(config.publicUrl, 'http://[::1]:3100');
    assert.equal(new URL(config.publicUrl).hostname, '[::1]');
  });

  it('keeps PUBLIC_URL without its trailing slash', () => {
    const config = loadConfig({ HOST: '::1', PUBLIC_URL: 'https://parley.example/' });
    assert.equal(config.publicUrl, 'https://parley.example');
  });
});
