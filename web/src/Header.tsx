import { canUsePage } from './access.ts';
import { useLiveStatus } from './events.tsx';
import { messages } from './messages.ts';
import { Link, matchRoute, paths, usePath, type Route } from './router.tsx';
import { useSession } from './session.tsx';

/** Site header: account, navigation to the pages the role may use, live status, sign-out. */
export function Header() {
  const me = useSession();
  const current = matchRoute(usePath()).page;
  const liveStatus = useLiveStatus();

  const links: { page: Route['page']; href: string; label: string }[] = [
    { page: 'inbox', href: paths.inbox, label: messages.pages.inbox },
  ];
  if (canUsePage(me.role, 'sendAlert')) {
    links.push({ page: 'sendAlert', href: paths.sendAlert, label: messages.pages.sendAlert });
  }
  // Requests between states are sent and answered by PoCs.
  if (me.role === 'poc') {
    links.push({ page: 'requests', href: paths.requests, label: messages.pages.requestsInbox });
  }
  if (canUsePage(me.role, 'share')) {
    links.push({ page: 'share', href: paths.share, label: messages.pages.share });
  }
  if (canUsePage(me.role, 'pocs')) {
    links.push({ page: 'pocs', href: paths.pocs, label: messages.pages.pocs });
  }
  if (canUsePage(me.role, 'visibility')) {
    links.push({ page: 'visibility', href: paths.visibility, label: messages.pages.visibility });
  }
  if (canUsePage(me.role, 'admin')) {
    links.push({ page: 'admin', href: paths.admin, label: messages.pages.admin });
  }
  if (canUsePage(me.role, 'exercises')) {
    links.push({ page: 'exercises', href: paths.exercises, label: messages.pages.exercises });
  }
  links.push({ page: 'tokens', href: paths.tokens, label: messages.pages.tokens });

  return (
    <header className="site">
      <div className="site-top">
        <a href="/" className="brand">
          {messages.appName}
        </a>
        <p className="account">{messages.header.signedInAs(me.email, messages.roles[me.role])}</p>
        <form method="post" action="/signout" className="inline">
          <input type="hidden" name="_csrf" value={me.csrfToken ?? ''} />
          <button type="submit" className="secondary">
            {messages.header.signOut}
          </button>
        </form>
      </div>
      <nav aria-label={messages.header.navigation}>
        <ul>
          {links.map((link) => (
            <li key={link.page}>
              <Link href={link.href} aria-current={link.page === current ? 'page' : undefined}>
                {link.label}
              </Link>
            </li>
          ))}
          {canUsePage(me.role, 'health') && (
            <li>
              <a href={paths.directoryHealth}>{messages.pages.directoryHealth}</a>
            </li>
          )}
          {/* Server-rendered pages of checks, guidance and readiness, open to every account. */}
          <li>
            <a href="/checks">{messages.pages.checks}</a>
          </li>
          <li>
            <a href="/library">{messages.pages.library}</a>
          </li>
          <li>
            <a href="/readiness">{messages.pages.readiness}</a>
          </li>
        </ul>
      </nav>
      <p className={`live live-${liveStatus}`} aria-live="polite">
        {messages.live[liveStatus]}
      </p>
    </header>
  );
}
