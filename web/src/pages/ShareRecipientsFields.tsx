import { useState } from 'react';

import { ChoiceGroup } from '../components.tsx';
import { messages } from '../messages.ts';
import type { RecipientAccount, ShareRecipients } from './sharing.schemas.ts';

const text = messages.share;

// The API may list a role this workspace does not name yet; it then shows as sent.
const roleNames: Partial<Record<string, string>> = messages.roles;

/** Chosen recipients of an upload: account e-mails and partner organisation ids. */
export interface ChosenRecipients {
  accounts: string[];
  orgs: string[];
}

function toggle(list: string[], value: string, isOn: boolean): string[] {
  return isOn ? [...list, value] : list.filter((item) => item !== value);
}

function describeAccount(account: RecipientAccount): string {
  const scope = account.state ?? account.organisation ?? messages.none;
  const role = roleNames[account.role] ?? account.role;

  return text.accountOption(account.email, role, scope);
}

function matches(account: RecipientAccount, filter: string): boolean {
  const needle = filter.trim().toLowerCase();

  return needle === '' || describeAccount(account).toLowerCase().includes(needle);
}

/**
 * Renders the recipient accounts and partner organisations as checkbox groups, with a filter over
 * the accounts, and the API's error by each group. Chosen accounts stay listed while filtered.
 */
export function ShareRecipientsFields({
  ids,
  recipients,
  chosen,
  errors,
  onChange,
}: {
  ids: { accounts: string; orgs: string };
  recipients: ShareRecipients;
  chosen: ChosenRecipients;
  errors: { accounts?: string | undefined; orgs?: string | undefined };
  onChange: (chosen: ChosenRecipients) => void;
}) {
  const [filter, setFilter] = useState('');
  const shown = recipients.accounts.filter(
    (account) => chosen.accounts.includes(account.email) || matches(account, filter),
  );

  return (
    <>
      <ChoiceGroup
        id={ids.orgs}
        legend={`${text.fields.orgs} ${messages.optional}`}
        hint={recipients.organisations.length === 0 ? text.orgsNone : text.orgsHint}
        error={errors.orgs}
      >
        {recipients.organisations.map((organisation) => (
          <label key={organisation.id} className="radio">
            <input
              type="checkbox"
              name="orgs"
              value={organisation.id}
              checked={chosen.orgs.includes(organisation.id)}
              onChange={(event) => {
                onChange({
                  ...chosen,
                  orgs: toggle(chosen.orgs, organisation.id, event.target.checked),
                });
              }}
            />
            {organisation.name}
          </label>
        ))}
      </ChoiceGroup>
      <ChoiceGroup
        id={ids.accounts}
        legend={`${text.fields.accounts} ${messages.optional}`}
        hint={recipients.accounts.length === 0 ? text.accountsNone : text.accountsHint}
        error={errors.accounts}
      >
        {recipients.accounts.length > 0 && (
          <p>
            <label htmlFor={`${ids.accounts}-filter`}>{text.accountsFilter}</label>{' '}
            <input
              id={`${ids.accounts}-filter`}
              type="search"
              autoComplete="off"
              value={filter}
              onChange={(event) => {
                setFilter(event.target.value);
              }}
            />
          </p>
        )}
        {shown.length === 0 && recipients.accounts.length > 0 && <p>{text.accountsNoMatch}</p>}
        <div className="recipient-list">
          {shown.map((account) => (
            <label key={account.id} className="radio">
              <input
                type="checkbox"
                name="accounts"
                value={account.email}
                checked={chosen.accounts.includes(account.email)}
                onChange={(event) => {
                  onChange({
                    ...chosen,
                    accounts: toggle(chosen.accounts, account.email, event.target.checked),
                  });
                }}
              />
              {describeAccount(account)}
            </label>
          ))}
        </div>
      </ChoiceGroup>
    </>
  );
}
