import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isGuessablePassword } from './password-strength.ts';

describe('password strength', () => {
  it('rejects repeats, sequences, keyboard walks and common passwords', () => {
    for (const password of ['aaaaaaaaaaaa', 'abcdefghijkl', 'qwertyuiop12', 'password1234']) {
      assert.equal(isGuessablePassword(password), true, password);
    }
  });

  it('accepts long passphrases and random strings', () => {
    for (const password of ['a long and unguessable passphrase', 'zq8#Lm2!vR9p']) {
      assert.equal(isGuessablePassword(password), false, password);
    }
  });

  it('rejects a password built from the account e-mail', () => {
    const email = 'marie.dupont@diplomatie.example';
    assert.equal(isGuessablePassword('mariedupont2026', [email, 'marie', 'dupont']), true);
  });
});
