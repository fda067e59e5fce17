import { accountsProblems } from './accounts-problems.en.ts';
import { adminProblems } from './admin-problems.en.ts';
import { adminMessages } from './admin.en.ts';
import { alertsProblems } from './alerts-problems.en.ts';
import { alertsMessages } from './alerts.en.ts';
import { checksProblems } from './checks-problems.en.ts';
import { checksMessages } from './checks.en.ts';
import { communitiesProblems } from './communities-problems.en.ts';
import { directoryProblems } from './directory-problems.en.ts';
import { directoryMessages } from './directory.en.ts';
import { errorsMessages } from './errors.en.ts';
import { exercisesProblems } from './exercises-problems.en.ts';
import { exercisesMessages } from './exercises.en.ts';
import { httpProblems } from './http-problems.en.ts';
import { libraryProblems } from './library-problems.en.ts';
import { libraryMessages } from './library.en.ts';
import { pseudoLocalize } from './pseudo-locale.ts';
import { readinessMessages } from './readiness.en.ts';
import { requestsProblems } from './requests-problems.en.ts';
import { requestsMessages } from './requests.en.ts';
import { sharingProblems } from './sharing-problems.en.ts';
import { taxiiProblems } from './taxii-problems.en.ts';
import { validationMessages } from './validation.en.ts';
import { webhooksProblems } from './webhooks-problems.en.ts';
import { webhooksMessages } from './webhooks.en.ts';
import { workspaceMessages } from './workspace.en.ts';

/**
 * The English catalogue: every string the server-rendered pages, the mails, the workspace and
 * the error replies show. Each capability keeps its strings in its own module
 * (`<capability>.en.ts`, and `<capability>-problems.en.ts` for its errors). A message that shows
 * values is a function of them.
 */
const en = {
  meta: {
    /** BCP 47 tag of the catalogue's language, used in `<html lang>` and by `Intl`. */
    locale: 'en',
    /** Writing direction for `<html dir>`: `rtl` for Arabic. */
    direction: 'ltr',
  },
  layout: {
    siteName: 'Parley',
    skipToContent: 'Skip to content',
    signIn: 'Sign in',
    signOut: 'Sign out',
    workspace: 'Workspace',
    language: 'Language',
    changeLanguage: 'Change language',
  },
  signIn: {
    title: 'Sign in',
    email: 'E-mail',
    password: 'Password',
    submit: 'Sign in',
    formExpired: 'The form expired. Please sign in again.',
    wrongCredentials: 'E-mail or password is wrong.',
    invalidForm: 'The form was incomplete. Please enter your e-mail and password.',
    throttled: 'Too many failed sign-ins from this address. Please try again in 15 minutes.',
  },
  directory: directoryMessages,
  exercises: exercisesMessages,
  alerts: alertsMessages,
  checks: checksMessages,
  admin: adminMessages,
  requests: requestsMessages,
  library: libraryMessages,
  readiness: readinessMessages,
  workspace: workspaceMessages,
  webhooks: webhooksMessages,
  validation: validationMessages,
  errors: errorsMessages,
  /** Text of the errors that the API, TAXII and pages return, by capability. */
  problems: {
    http: httpProblems,
    accounts: accountsProblems,
    admin: adminProblems,
    alerts: alertsProblems,
    checks: checksProblems,
    communities: communitiesProblems,
    directory: directoryProblems,
    exercises: exercisesProblems,
    library: libraryProblems,
    requests: requestsProblems,
    sharing: sharingProblems,
    taxii: taxiiProblems,
    webhooks: webhooksProblems,
  },
} as const;

/** The catalogue with its literal strings widened, so `string` fits where English has a literal. */
type Widen<T> = T extends string
  ? string
  : T extends (...args: infer A) => infer R
    ? (...args: A) => Widen<R>
    : T extends readonly (infer U)[]
      ? readonly Widen<U>[]
      : { readonly [K in keyof T]: Widen<T[K]> };

/** The shape every locale's catalogue has: the same keys and message functions as English. */
export type Catalogue = Widen<typeof en>;

/** The English catalogue, and the fallback for a locale without a translation. */
export const englishCatalogue: Catalogue = en;

/** The pseudo-locale en-XA: English with every catalogue string wrapped in ⟦ ⟧. */
export const pseudoCatalogue: Catalogue = {
  ...pseudoLocalize(englishCatalogue),
  meta: { locale: 'en-XA', direction: 'ltr' },
};

/** Tag of the pseudo-locale, a test locale that a server offers only when it enables it. */
export const PSEUDO_LOCALE = 'en-XA';

// A translation into one of the six UN languages (ar, en, es, fr, ru, zh) is added here as a
// catalogue of the same shape, keyed by its language tag.
const translations: Readonly<Record<string, Catalogue>> = {
  en: englishCatalogue,
};

const catalogues: Readonly<Record<string, Catalogue>> = {
  ...translations,
  [PSEUDO_LOCALE]: pseudoCatalogue,
};

/** Every catalogue, the pseudo-locale included. */
export const allCatalogues: readonly Catalogue[] = Object.values(catalogues);

/** Tags of the translated catalogues, which every server offers to its readers. */
export const translatedLocales: readonly string[] = Object.keys(translations);

/** Returns the canonical form of a BCP 47 tag (`en-xa` becomes `en-XA`), or null if invalid. */
function canonicalLocale(locale: string): string | null {
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * Returns the tag of the catalogue that serves a BCP 47 locale: the locale itself when a
 * catalogue has that tag, else its language (`fr` for `fr-CH`), else null.
 */
export function findCatalogueLocale(locale: string): string | null {
  const canonical = canonicalLocale(locale);
  if (canonical === null) return null;
  if (catalogues[canonical] !== undefined) return canonical;
  const language = canonical.split('-')[0] ?? '';

  return catalogues[language] === undefined ? null : language;
}

/**
 * Returns the catalogue for a BCP 47 locale: an exact match, else the catalogue of its language
 * (`fr` for `fr-CH`), else English.
 */
export function selectCatalogue(locale: string): Catalogue {
  const tag = findCatalogueLocale(locale);

  return tag === null ? englishCatalogue : (catalogues[tag] ?? englishCatalogue);
}

/**
 * The server default catalogue, chosen once at start from the LOCALE environment variable
 * (default `en`), for text fixed before any request or recipient is known, such as zod schema
 * messages, start-up errors and delivery notes. Anything sent to a person uses `request.messages`
 * or the recipient's catalogue instead.
 */
export const processMessages: Catalogue = selectCatalogue(process.env.LOCALE ?? 'en');
