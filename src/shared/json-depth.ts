import { DomainError } from './errors.ts';

/** Deepest array/object nesting accepted in a JSON body. STIX content needs far less. */
export const MAX_JSON_DEPTH = 64;

/**
 * Throws `nesting_too_deep` when the JSON text nests arrays or objects deeper than `maxDepth`.
 * Scans the raw text iteratively, skipping string contents, before anything recursive touches it.
 */
export function assertJsonDepth(text: string, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;

  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      depth++;
      if (depth > maxDepth) {
        throw new DomainError('nesting_too_deep', (m) => m.problems.http.nestingTooDeep(maxDepth), [
          { field: '(body)', message: (m) => m.problems.http.nestingTooDeepField(maxDepth) },
        ]);
      }
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
}
