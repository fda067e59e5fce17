import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

// A minimal client-side router over the History API: the workspace has under ten pages, so a
// router library would add more code than it saves.

const NAVIGATE_EVENT = 'parley:navigate';

function subscribe(onChange: () => void) {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);

  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

/** Returns the current URL path and re-renders the caller when it changes. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** Moves to another workspace page without reloading the document. */
export function navigate(path: string) {
  if (path === window.location.pathname) return;
  window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** Props of `Link`: an anchor whose `href` is a workspace path. */
export interface LinkProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
  href: string;
}

/**
 * Renders an anchor that navigates inside the workspace without a reload. Clicks with a modifier
 * key keep the browser's own action, such as opening a new tab.
 */
export function Link({ href, onClick, ...rest }: LinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    const isPlainClick =
      event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
    if (event.defaultPrevented || !isPlainClick) return;
    event.preventDefault();
    navigate(href);
  };

  return <a href={href} onClick={handleClick} {...rest} />;
}

/** A workspace page, chosen from the URL path. */
export type Route =
  | { page: 'inbox' }
  | { page: 'pocs' }
  | { page: 'share' }
  | { page: 'sendAlert' }
  | { page: 'deliveries'; alertId: string }
  | { page: 'pocHistory'; pocId: string }
  | { page: 'visibility' }
  | { page: 'admin' }
  | { page: 'requests' }
  | { page: 'requestsOutbox' }
  | { page: 'newRequest' }
  | { page: 'requestThread'; reference: string }
  | { page: 'tokens' }
  | { page: 'exercises' }
  | { page: 'newExercise' }
  | { page: 'exercise'; exerciseId: string }
  | { page: 'notFound' };

/** Workspace paths by page, for links. */
export const paths = {
  inbox: '/app/inbox',
  pocs: '/app/pocs',
  share: '/app/share',
  sendAlert: '/app/alerts/new',
  deliveries: (alertId: string) => `/app/alerts/${encodeURIComponent(alertId)}`,
  pocHistory: (pocId: string) => `/app/pocs/${encodeURIComponent(pocId)}/history`,
  visibility: '/app/visibility',
  admin: '/app/admin',
  requests: '/app/requests',
  requestsOutbox: '/app/requests/outbox',
  newRequest: '/app/requests/new',
  requestThread: (reference: string) => `/app/requests/${encodeURIComponent(reference)}`,
  tokens: '/app/tokens',
  exercises: '/app/exercises',
  newExercise: '/app/exercises/new',
  exercise: (id: string) => `/app/exercises/${encodeURIComponent(id)}`,
  // Server-rendered exercise pages: the controller timeline and the after-action report.
  exerciseTimeline: (id: string) => `/exercises/${encodeURIComponent(id)}`,
  exerciseReport: (id: string) => `/exercises/${encodeURIComponent(id)}/report`,
  // Server-rendered, so it is linked with a plain anchor that loads the page.
  directoryHealth: '/directory/health',
} as const;

// A malformed percent escape cannot name a record, so it gives null.
function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Finds the page for a URL path; `/app/` and `/app/inbox` both open the inbox. */
export function matchRoute(path: string): Route {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '/app' || trimmed === paths.inbox) return { page: 'inbox' };
  if (trimmed === paths.pocs) return { page: 'pocs' };
  if (trimmed === paths.share) return { page: 'share' };
  if (trimmed === paths.sendAlert) return { page: 'sendAlert' };
  if (trimmed === paths.visibility) return { page: 'visibility' };
  if (trimmed === paths.admin) return { page: 'admin' };
  if (trimmed === paths.requests) return { page: 'requests' };
  if (trimmed === paths.requestsOutbox) return { page: 'requestsOutbox' };
  if (trimmed === paths.newRequest) return { page: 'newRequest' };
  if (trimmed === paths.tokens) return { page: 'tokens' };
  if (trimmed === paths.exercises) return { page: 'exercises' };
  if (trimmed === paths.newExercise) return { page: 'newExercise' };
  const exercise = /^\/app\/exercises\/([^/]+)$/.exec(trimmed);
  if (exercise?.[1] !== undefined) {
    const exerciseId = decodeSegment(exercise[1]);
    return exerciseId === null ? { page: 'notFound' } : { page: 'exercise', exerciseId };
  }

  const thread = /^\/app\/requests\/([^/]+)$/.exec(trimmed);
  if (thread?.[1] !== undefined) {
    const reference = decodeSegment(thread[1]);
    return reference === null ? { page: 'notFound' } : { page: 'requestThread', reference };
  }

  const history = /^\/app\/pocs\/([^/]+)\/history$/.exec(trimmed);
  if (history?.[1] !== undefined) {
    const pocId = decodeSegment(history[1]);
    return pocId === null ? { page: 'notFound' } : { page: 'pocHistory', pocId };
  }

  const deliveries = /^\/app\/alerts\/([^/]+)$/.exec(trimmed);
  if (deliveries?.[1] === undefined) return { page: 'notFound' };
  try {
    return { page: 'deliveries', alertId: decodeURIComponent(deliveries[1]) };
  } catch {
    // A malformed percent escape cannot name an alert.
    return { page: 'notFound' };
  }
}
