import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

// zxcvbn's top score, 4, means at least 10^10 guesses, which it rates as strong protection
// against an offline attack on a slow hash. Lower scores cover the common, expected and
// context-derived values that NIST SP 800-63B recommends rejecting.
const MIN_SCORE = 4;

const estimator = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });

/**
 * Returns true when a password is easy to guess: a common password, a keyboard walk, a repeated
 * character or sequence, a date, or a variant of `context` (the account's e-mail address, say).
 */
export function isGuessablePassword(password: string, context: readonly string[] = []): boolean {
  return estimator.check(password, [...context]).score < MIN_SCORE;
}
