import type { Config } from '../config/config.ts';
import { findCatalogueLocale, selectCatalogue, type Catalogue } from './messages.ts';

/**
 * Returns the catalogue of the server's default language (LOCALE): the language of text stored
 * for many readers at once, and of mail to recipients without a preferred language.
 */
export function serverCatalogue(config: Pick<Config, 'locale'>): Catalogue {
  return selectCatalogue(config.locale);
}

/**
 * Returns the catalogue of one mail recipient: the preferred language of their account when the
 * server offers it, else the server default. PoCs without an account pass null.
 */
export function recipientCatalogue(
  config: Pick<Config, 'locale' | 'offeredLocales'>,
  accountLocale: string | null | undefined,
): Catalogue {
  const isOffered =
    accountLocale !== null &&
    accountLocale !== undefined &&
    config.offeredLocales.includes(accountLocale);

  return selectCatalogue(isOffered ? accountLocale : config.locale);
}

/**
 * Returns the tag of the offered catalogue that serves a locale (`fr` for `fr-CH`), or null when
 * the server offers none for it.
 */
export function findOfferedLocale(locale: string, offered: readonly string[]): string | null {
  const tag = findCatalogueLocale(locale);

  return tag !== null && offered.includes(tag) ? tag : null;
}
