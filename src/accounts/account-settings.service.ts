import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { findOfferedLocale, recipientCatalogue } from '../i18n/locale-choice.ts';
import type { Catalogue } from '../i18n/messages.ts';
import { invalidField, notFound } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { findAccountById, findAccountLocale, updateAccountLocale } from './accounts.queries.ts';
import type { Principal } from './principal.ts';

/** Body of `PATCH /api/v1/me`: the settings a signed-in caller changes on their own account. */
export const AccountSettingsPatchSchema = z.strictObject({
  /** Preferred language of the account's mail; null returns it to the server default. */
  locale: z.string().max(35).nullable().optional(),
});

/** The settings of the caller's own account, as `GET /api/v1/me` shows them. */
export interface AccountSettings {
  /** Preferred language of the account's mail; null means the server default. */
  locale: string | null;
}

type SettingsDeps = Pick<AppContext, 'db' | 'config'>;

/** Returns the settings of the caller's account. */
export async function getAccountSettings(
  deps: SettingsDeps,
  principal: Principal,
): Promise<AccountSettings> {
  const account = await findAccountById(deps.db, principal.accountId);
  if (account === undefined) throw notFound((m) => m.problems.accounts.accountNotFound);

  return { locale: account.locale };
}

/**
 * Changes the settings of the caller's account. A language must be one this server offers; it is
 * stored in its canonical form (`fr` for `FR`, `en-XA` for `en-xa`).
 */
export async function updateAccountSettings(
  deps: SettingsDeps,
  principal: Principal,
  body: unknown,
): Promise<AccountSettings> {
  const patch = parseInput(AccountSettingsPatchSchema, body, 'settings');
  if (patch.locale !== undefined) {
    const locale =
      patch.locale === null ? null : findOfferedLocale(patch.locale, deps.config.offeredLocales);
    if (patch.locale !== null && locale === null) {
      const offered = deps.config.offeredLocales.join(', ');
      throw invalidField('locale', (m) => m.problems.accounts.localeNotOffered(offered));
    }
    await updateAccountLocale(deps.db, principal.accountId, locale);
  }

  return getAccountSettings(deps, principal);
}

/**
 * Returns the catalogue in which to write mail to an address: the preferred language of the
 * account with that e-mail key, else the server default (PoCs without an account included).
 */
export async function findRecipientCatalogue(
  deps: SettingsDeps,
  emailKey: string,
): Promise<Catalogue> {
  return recipientCatalogue(deps.config, await findAccountLocale(deps.db, emailKey));
}
