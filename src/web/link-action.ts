import { html, type SafeHtml } from './html.ts';

/** The action of a personal-link page: a button that POSTs back to the link, or the outcome. */
export interface LinkAction {
  /** The link's path, token included, which the button posts to. */
  path: string;
  csrfToken: string | null;
  buttonLabel: string;
  /** Text shown instead of the button once the action is done; null while it is not. */
  doneText: string | null;
}

/**
 * Renders the action of a personal link from a mail. Opening the link never acts, because mail
 * scanners fetch links; the person acts with the button, which POSTs.
 */
export function renderLinkAction(action: LinkAction): SafeHtml {
  if (action.doneText !== null) return html`<p role="status">${action.doneText}</p>`;

  return html`<form method="post" action="${action.path}">
    <input type="hidden" name="_csrf" value="${action.csrfToken ?? ''}" />
    <p><button type="submit">${action.buttonLabel}</button></p>
  </form>`;
}
