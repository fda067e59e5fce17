import { useEffect, useState } from 'react';

import { callApi, toApiError, type ApiError } from './api.ts';
import { canUsePage, type RestrictedPage } from './access.ts';
import { ErrorSummary, PageHeading } from './components.tsx';
import { LiveEventsProvider } from './events.tsx';
import { Header } from './Header.tsx';
import { messages } from './messages.ts';
import { DeliveriesPage } from './pages/DeliveriesPage.tsx';
import { ExercisePage } from './pages/ExercisePage.tsx';
import { ExercisesPage } from './pages/ExercisesPage.tsx';
import { NewExercisePage } from './pages/NewExercisePage.tsx';
import { AdminPage } from './pages/AdminPage.tsx';
import { InboxPage } from './pages/InboxPage.tsx';
import { PocHistoryPage } from './pages/PocHistoryPage.tsx';
import { PocsPage } from './pages/PocsPage.tsx';
import { ComposeRequestPage } from './pages/ComposeRequestPage.tsx';
import { RequestsPage } from './pages/RequestsPage.tsx';
import { RequestThreadPage } from './pages/RequestThreadPage.tsx';
import { SendAlertPage } from './pages/SendAlertPage.tsx';
import { ShareBundlePage } from './pages/ShareBundlePage.tsx';
import { TokensPage } from './pages/TokensPage.tsx';
import { VisibilityPage } from './pages/VisibilityPage.tsx';
import { LiveReceipts } from './receipts.tsx';
import { matchRoute, usePath, type Route } from './router.tsx';
import { Me } from './schemas.ts';
import { SessionContext, useSession } from './session.tsx';

/** Renders the workspace: loads the signed-in account, then shows the header and the page. */
export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    // A 401 here sends the browser to the sign-in page (see callApi).
    callApi({ path: '/api/v1/me', schema: Me }).then(setMe, (caught: unknown) => {
      setError(toApiError(caught));
    });
  }, []);

  if (me === null) {
    return (
      <main id="main">
        {error === null ? <p>{messages.loading}</p> : <ErrorSummary error={error} />}
      </main>
    );
  }

  return (
    <SessionContext.Provider value={me}>
      <LiveEventsProvider>
        <LiveReceipts />
        <a className="skip" href="#main">
          {messages.skipToContent}
        </a>
        <Header />
        <main id="main">
          <CurrentPage />
        </main>
      </LiveEventsProvider>
    </SessionContext.Provider>
  );
}

function CurrentPage() {
  const route = matchRoute(usePath());

  return <RoutePage route={route} />;
}

const restrictedPages: Partial<Record<Route['page'], RestrictedPage>> = {
  pocs: 'pocs',
  share: 'share',
  sendAlert: 'sendAlert',
  pocHistory: 'pocs',
  visibility: 'visibility',
  admin: 'admin',
  exercises: 'exercises',
  newExercise: 'exercises',
  exercise: 'exercises',
};

function RoutePage({ route }: { route: Route }) {
  const role = useSession().role;
  const restricted = restrictedPages[route.page];
  if (restricted !== undefined && !canUsePage(role, restricted)) {
    return <MessagePage title={messages.pages.notAllowed} text={messages.notAllowed} />;
  }

  switch (route.page) {
    case 'inbox':
      return <InboxPage />;
    case 'pocs':
      return <PocsPage />;
    case 'share':
      return <ShareBundlePage />;
    case 'sendAlert':
      return <SendAlertPage />;
    case 'deliveries':
      // The key remounts the page, so moving to another alert loads its deliveries afresh.
      return <DeliveriesPage key={route.alertId} alertId={route.alertId} />;
    case 'pocHistory':
      return <PocHistoryPage key={route.pocId} pocId={route.pocId} />;
    case 'visibility':
      return <VisibilityPage />;
    case 'admin':
      return <AdminPage />;
    case 'requests':
      return <RequestsPage key="inbox" box="inbox" />;
    case 'requestsOutbox':
      return <RequestsPage key="outbox" box="outbox" />;
    case 'newRequest':
      return <ComposeRequestPage />;
    case 'requestThread':
      return <RequestThreadPage key={route.reference} reference={route.reference} />;
    case 'tokens':
      return <TokensPage />;
    case 'exercises':
      return <ExercisesPage />;
    case 'newExercise':
      return <NewExercisePage />;
    case 'exercise':
      return <ExercisePage key={route.exerciseId} exerciseId={route.exerciseId} />;
    case 'notFound':
      return <MessagePage title={messages.pages.notFound} text={messages.notFound} />;
  }
}

function MessagePage({ title, text }: { title: string; text: string }) {
  return (
    <>
      <PageHeading title={title}>{title}</PageHeading>
      <p>{text}</p>
    </>
  );
}
