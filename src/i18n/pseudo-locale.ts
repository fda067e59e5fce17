// The pseudo-locale en-XA: English with every catalogue string wrapped in ⟦ ⟧. Text on a page
// that is not wrapped did not come from the catalogue, which is what the catalogue guard test
// and a reviewer looking at LOCALE=en-XA both look for.

const OPEN = '⟦';
const CLOSE = '⟧';

/** Wraps one catalogue string in the pseudo-locale's brackets. */
export function wrapPseudo(text: string): string {
  return `${OPEN}${text}${CLOSE}`;
}

function wrapResult(result: unknown): unknown {
  if (typeof result === 'string') return wrapPseudo(result);
  if (Array.isArray(result)) return result.map((item: unknown) => wrapResult(item));

  return result;
}

/**
 * Returns a copy of a catalogue in which every string, and every string or list of strings a
 * message function returns, is wrapped in ⟦ ⟧. Values passed to message functions stay inside
 * the brackets of the message that shows them.
 */
export function pseudoLocalize<T>(catalogue: T): T {
  if (typeof catalogue === 'string') return wrapPseudo(catalogue) as T;
  if (typeof catalogue === 'function') {
    const message = catalogue as (...args: unknown[]) => unknown;
    return ((...args: unknown[]) => wrapResult(message(...args))) as T;
  }
  if (Array.isArray(catalogue)) {
    const items: unknown[] = catalogue;
    return items.map((item) => pseudoLocalize(item)) as T;
  }
  if (typeof catalogue === 'object' && catalogue !== null) {
    const entries = Object.entries(catalogue as Record<string, unknown>).map(
      ([key, value]): [string, unknown] => [key, pseudoLocalize(value)],
    );
    return Object.fromEntries(entries) as T;
  }

  return catalogue;
}

/** Removes every ⟦…⟧ segment, innermost first, so nested messages vanish too. */
export function stripPseudo(text: string): string {
  let previous: string;
  let current = text;
  do {
    previous = current;
    current = current.replace(/⟦[^⟦⟧]*⟧/g, ' ');
  } while (current !== previous);

  return current;
}
