// Locale-aware formatting for catalogue functions. Each catalogue passes its own locale tag, so a
// translation gets its plural categories and digit grouping from Intl rather than from code.

/** The forms of a message that shows a count, by CLDR plural category; `other` is required. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** Picks the form of a message that matches `count` under the locale's plural rules. */
export function selectPlural(locale: string, count: number, forms: PluralForms): string {
  const category = new Intl.PluralRules(locale).select(count);

  return forms[category] ?? forms.other;
}

/** Formats a count with the locale's digits and grouping. */
export function formatCount(locale: string, count: number): string {
  return new Intl.NumberFormat(locale).format(count);
}

/** Formats a fraction from 0 to 1 as a whole percentage with the locale's sign and spacing. */
export function formatPercent(locale: string, fraction: number): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(
    fraction,
  );
}
