import { useState } from 'react';

import { callApi, toApiError, type ApiError } from '../api.ts';
import { DateTime, ErrorSummary, StatusMessage } from '../components.tsx';
import { useResource } from '../hooks.ts';
import { messages } from '../messages.ts';
import type { Me } from '../schemas.ts';
import { DataTable, ResourceList } from '../tables.tsx';
import { UserList as UserListReply, type User } from './admin.schemas.ts';

const text = messages.admin;

/** An action on an account, as the buttons of the list offer it. */
type UserAction = 'suspend' | 'reinstate' | 'reset' | 'delete';

/**
 * Returns true when the API lets the caller act on the account. It mirrors the server's rules so
 * that no button leads to a certain 403. The server still checks every request itself.
 */
export function canActOn(me: Me, user: User, action: UserAction): boolean {
  const isSelf = user.id === me.accountId;
  if (isSelf) return action === 'reset' && !user.suspended;
  if (action === 'suspend' && user.suspended) return false;
  if (action === 'reinstate' && !user.suspended) return false;
  // A suspended account gets no reset link: it is reinstated first.
  if (action === 'reset' && user.suspended) return false;
  if (me.role === 'secretariat') return true;

  return (
    me.role === 'state-editor' &&
    (user.role === 'state-editor' || user.role === 'poc') &&
    user.state !== null &&
    user.state === me.stateCode
  );
}

async function loadUsers(): Promise<User[]> {
  return (await callApi({ path: '/api/v1/users', schema: UserListReply })).users;
}

const actionRequests: Record<
  UserAction,
  { method: 'POST' | 'DELETE'; suffix: string; done: (email: string) => string }
> = {
  suspend: { method: 'POST', suffix: '/suspend', done: text.suspended },
  reinstate: { method: 'POST', suffix: '/reinstate', done: text.reinstated },
  reset: { method: 'POST', suffix: '/password-reset', done: text.resetSent },
  delete: { method: 'DELETE', suffix: '', done: text.removed },
};

const buttons: { action: UserAction; label: string; name: (email: string) => string }[] = [
  { action: 'suspend', label: text.suspend, name: text.suspendUser },
  { action: 'reinstate', label: text.reinstate, name: text.reinstateUser },
  { action: 'reset', label: text.reset, name: text.resetUser },
  { action: 'delete', label: text.remove, name: text.removeUser },
];

const confirmations: Partial<Record<UserAction, (email: string) => string>> = {
  suspend: text.confirmSuspend,
  delete: text.confirmRemove,
};

/** Renders the accounts the caller may see, with the actions the caller may take on each. */
export function UserList({ me }: { me: Me }) {
  const users = useResource(loadUsers);
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');
  const [busyId, setBusyId] = useState<string | null>(null);

  async function act(user: User, action: UserAction) {
    const question = confirmations[action];
    if (question !== undefined && !window.confirm(question(user.email))) return;
    const request = actionRequests[action];
    setError(null);
    setBusyId(user.id);
    try {
      await callApi({
        method: request.method,
        path: `/api/v1/users/${encodeURIComponent(user.id)}${request.suffix}`,
        // The list is loaded again below, so the reply's body is not needed.
        csrfToken: me.csrfToken,
      });
      setStatus(request.done(user.email));
      users.reload();
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusyId(null);
    }
  }

  const columns = text.userColumns;

  return (
    <section aria-labelledby="users-heading">
      <h2 id="users-heading">{text.usersHeading}</h2>
      <StatusMessage>{status}</StatusMessage>
      <ErrorSummary error={error ?? users.error} />
      <ResourceList items={users.data} error={users.error} empty={text.usersEmpty}>
        {(items) => (
          <DataTable
            caption={text.usersCaption}
            rows={items}
            rowKey={(user) => user.id}
            rowAttributes={(user) => ({ 'data-user-email': user.email })}
            columns={[
              {
                key: 'email',
                header: columns.email,
                isRowHeader: true,
                cell: (user) => (
                  <>
                    {user.email}
                    {user.id === me.accountId && ` ${text.you}`}
                  </>
                ),
              },
              { key: 'role', header: columns.role, cell: (user) => messages.roles[user.role] },
              {
                key: 'scope',
                header: columns.scope,
                cell: (user) => user.state ?? user.organisation?.name ?? messages.none,
              },
              {
                key: 'status',
                header: columns.status,
                cell: (user) => (user.suspended ? text.suspendedStatus : text.active),
              },
              {
                key: 'created',
                header: columns.created,
                cell: (user) => <DateTime iso={user.createdAt} />,
              },
              {
                key: 'actions',
                header: columns.actions,
                cell: (user) => (
                  <div className="row-actions">
                    {buttons
                      .filter((button) => canActOn(me, user, button.action))
                      .map((button) => (
                        <button
                          key={button.action}
                          type="button"
                          className={button.action === 'delete' ? 'danger' : 'secondary'}
                          aria-label={button.name(user.email)}
                          disabled={busyId === user.id}
                          onClick={() => void act(user, button.action)}
                        >
                          {button.label}
                        </button>
                      ))}
                  </div>
                ),
              },
            ]}
          />
        )}
      </ResourceList>
    </section>
  );
}
