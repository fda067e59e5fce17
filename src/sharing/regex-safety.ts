/**
 * Rejects MATCHES and LIKE expressions that can backtrack catastrophically before the matcher
 * runs them. JavaScript's regular expression engine backtracks, so an expression such as
 * `^(a+)+$` takes exponential time on a crafted value and blocks the event loop.
 */
import { check, type Diagnostics } from 'recheck';

import type { Comparison, Observation } from './stix-pattern.ts';
import { compileRegExp, likeToRegExp, UnsupportedPatternError } from './stix-pattern-build.ts';

/**
 * Time the ReDoS checker may spend on one expression, in milliseconds. recheck runs in its own
 * process (or a worker thread when its native binary is missing), so the wait does not block
 * the event loop.
 * NOTE: checks share that one process, so many expressions that are slow to check delay other
 * MATCHES and LIKE requests, but no other route. Sixteen distinct expressions that each time out
 * took 4.2 s in all on a 2-CPU machine (recheck 4.5.0, native binary).
 */
const CHECK_TIMEOUT_MS = 500;

/**
 * Number of expressions whose verdict is kept, so a repeated expression costs nothing. A check
 * still running is shared too, so parallel requests with one expression start one check.
 */
const VERDICT_CACHE_SIZE = 1000;

/** A MATCHES or LIKE operand with the expression the matcher compiles from it. */
interface Expression {
  operator: 'MATCHES' | 'LIKE';
  operand: string;
  regExp: RegExp;
}

const verdicts = new Map<string, Promise<string | null>>();

function collectExpressions(comparison: Comparison, found: Expression[]): void {
  if (comparison.kind === 'and' || comparison.kind === 'or') {
    collectExpressions(comparison.left, found);
    collectExpressions(comparison.right, found);
    return;
  }
  if (comparison.kind !== 'test') return;
  const operand = String(comparison.values[0]?.value);
  if (comparison.operator === 'MATCHES') {
    found.push({ operator: 'MATCHES', operand, regExp: compileRegExp(operand) });
  }
  if (comparison.operator === 'LIKE') {
    found.push({ operator: 'LIKE', operand, regExp: likeToRegExp(operand) });
  }
}

function expressionsOf(pattern: Observation, found: Expression[] = []): Expression[] {
  if (pattern.kind === 'observation') collectExpressions(pattern.comparison, found);
  else if (pattern.kind === 'qualified') expressionsOf(pattern.observation, found);
  else {
    expressionsOf(pattern.left, found);
    expressionsOf(pattern.right, found);
  }

  return found;
}

/** Explains why a checker verdict makes an expression unsafe, or returns null when it is safe. */
function describeVerdict(diagnostics: Diagnostics): string | null {
  if (diagnostics.status === 'safe') return null;
  if (diagnostics.status === 'vulnerable') {
    const growth = diagnostics.complexity.type === 'exponential' ? 'exponential' : 'polynomial';
    return (
      `can take ${growth} time on a crafted value (ReDoS): ` +
      'rewrite it without nested or overlapping repetition such as (a+)+ or (a|aa)+'
    );
  }
  if (diagnostics.error.kind === 'timeout' || diagnostics.error.kind === 'cancel') {
    return `could not be shown safe from catastrophic backtracking within ${CHECK_TIMEOUT_MS} ms`;
  }

  return `could not be checked for catastrophic backtracking: ${diagnostics.error.kind}`;
}

/** Returns why an expression is unsafe, or null when it is safe, checking it once per process. */
function verdictOf(regExp: RegExp): Promise<string | null> {
  const key = `/${regExp.source}/${regExp.flags}`;
  const cached = verdicts.get(key);
  if (cached !== undefined) return cached;

  const verdict = check(regExp.source, regExp.flags, { timeout: CHECK_TIMEOUT_MS }).then(
    describeVerdict,
  );
  if (verdicts.size >= VERDICT_CACHE_SIZE) {
    const oldest = verdicts.keys().next().value;
    if (oldest !== undefined) verdicts.delete(oldest);
  }
  verdicts.set(key, verdict);
  // A failed check (the checker could not start) is not kept, so the next request retries it.
  verdict.catch(() => verdicts.delete(key));

  return verdict;
}

/**
 * Throws `UnsupportedPatternError` naming the first MATCHES or LIKE operand of the pattern that
 * recheck finds vulnerable to catastrophic backtracking, or cannot decide on in time.
 */
export async function assertSafeExpressions(pattern: Observation): Promise<void> {
  for (const expression of expressionsOf(pattern)) {
    const verdict = await verdictOf(expression.regExp);
    if (verdict !== null) {
      throw new UnsupportedPatternError(
        `${expression.operator} '${expression.operand}' ${verdict}`,
      );
    }
  }
}
