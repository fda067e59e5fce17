import { PageHeading } from '../components.tsx';
import { messages } from '../messages.ts';
import { useSession } from '../session.tsx';
import { InvitationForm } from './InvitationForm.tsx';
import { OrganisationList } from './OrganisationList.tsx';
import { UserList } from './UserList.tsx';

/**
 * Renders account administration: invitations and the account list for the secretariat and
 * state editors, and partner organisations with their clearance for the secretariat.
 */
export function AdminPage() {
  const me = useSession();

  return (
    <>
      <PageHeading title={messages.pages.admin}>{messages.pages.admin}</PageHeading>
      <InvitationForm me={me} />
      <UserList me={me} />
      {me.role === 'secretariat' && <OrganisationList csrfToken={me.csrfToken} />}
    </>
  );
}
