import type { RequestMessage } from './requests.schemas.ts';

/**
 * Formats a message's sender as `name, organisation (state)`, leaving out an empty part and an
 * organisation that repeats the name, as for exercise control, which sends for no state.
 */
export function formatSender(sender: RequestMessage['sender']): string {
  const { name, organisation, state } = sender;
  const names = organisation === '' || organisation === name ? name : `${name}, ${organisation}`;

  return state === null || state === '' ? names : `${names} (${state})`;
}
