import { directoryMessages } from './directory.en.ts';

/**
 * The message catalogue: every string the server-rendered pages and mails show, in English.
 * A catalogue per UN language can replace it without touching the pages that use it.
 */
export const messages = {
  layout: {
    siteName: 'Parley',
    skipToContent: 'Skip to content',
    signIn: 'Sign in',
    signOut: 'Sign out',
    workspace: 'Workspace',
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
} as const;
