import { useState, type SubmitEvent } from 'react';

import { callApi } from '../api.ts';
import {
  ErrorSummary,
  Field,
  fieldErrorsFor,
  StatusMessage,
  SubmitButton,
} from '../components.tsx';
import { formatDateTime, formatTlp } from '../format.ts';
import { useSubmission } from '../hooks.ts';
import { messages } from '../messages.ts';
import { tlpLevels, type Me } from '../schemas.ts';
import { Invitation, invitableRoles, type InvitableRole } from './admin.schemas.ts';

const text = messages.admin;

const fieldIds = {
  email: 'invite-email',
  role: 'invite-role',
  state: 'invite-state',
  organisation: 'invite-organisation',
  clearance: 'invite-clearance',
} as const;

interface InvitationValues {
  email: string;
  role: InvitableRole | '';
  state: string;
  organisation: string;
  clearance: string;
}

const emptyValues: InvitationValues = {
  email: '',
  role: '',
  state: '',
  organisation: '',
  clearance: '',
};

/** Returns the roles the caller may invite: editors invite only their own state's accounts. */
function rolesFor(me: Me): readonly InvitableRole[] {
  return me.role === 'secretariat' ? invitableRoles : ['state-editor', 'poc'];
}

/** Builds the body of `POST /api/v1/invitations` with only the fields the chosen role uses. */
function toBody(me: Me, values: InvitationValues): Record<string, string> {
  const body: Record<string, string> = { email: values.email, role: values.role };
  if (me.role !== 'secretariat') return body;

  if (values.role === 'partner') {
    if (values.organisation.trim() !== '') body.organisation = values.organisation;
    if (values.clearance !== '') body.clearance = values.clearance;
  } else if (values.state.trim() !== '') {
    body.state = values.state.trim();
  }

  return body;
}

/**
 * Renders the invitation form. The secretariat admits a state by inviting its first editor, or a
 * partner organisation with a clearance. A state editor invites editors and PoCs of their state.
 */
export function InvitationForm({ me }: { me: Me }) {
  const [values, setValues] = useState<InvitationValues>(emptyValues);
  const [status, setStatus] = useState('');
  const submission = useSubmission();
  const { error, isBusy } = submission;
  const errors = fieldErrorsFor(error, fieldIds);
  const isSecretariat = me.role === 'secretariat';

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setStatus('');
    await submission.run(async () => {
      const invitation = await callApi({
        method: 'POST',
        path: '/api/v1/invitations',
        body: toBody(me, values),
        schema: Invitation,
        csrfToken: me.csrfToken,
      });
      setStatus(text.invited(invitation.email, formatDateTime(invitation.expiresAt)));
      setValues(emptyValues);
    });
  }

  function textInput(name: 'email' | 'state' | 'organisation', hint?: string) {
    return (
      <Field
        id={fieldIds[name]}
        label={text.fields[name]}
        error={errors[name]}
        {...(hint === undefined ? {} : { hint })}
      >
        {(aria) => (
          <input
            {...aria}
            name={name}
            type={name === 'email' ? 'email' : 'text'}
            autoComplete="off"
            required={name === 'email'}
            value={values[name]}
            onChange={(event) => {
              setValues({ ...values, [name]: event.target.value });
            }}
          />
        )}
      </Field>
    );
  }

  return (
    <section aria-labelledby="invite-heading">
      <h2 id="invite-heading">{text.inviteHeading}</h2>
      <p>
        {isSecretariat ? text.inviteIntroSecretariat : text.inviteIntroEditor(me.stateCode ?? '')}
      </p>
      <StatusMessage>{status}</StatusMessage>
      <form
        onSubmit={(event) => void handleSubmit(event)}
        noValidate
        aria-labelledby="invite-heading"
      >
        <ErrorSummary error={error} fieldIds={fieldIds} />
        {textInput('email')}
        <Field id={fieldIds.role} label={text.fields.role} error={errors.role}>
          {(aria) => (
            <select
              {...aria}
              name="role"
              required
              value={values.role}
              onChange={(event) => {
                setValues({ ...values, role: event.target.value as InvitableRole | '' });
              }}
            >
              <option value="">{text.chooseRole}</option>
              {rolesFor(me).map((role) => (
                <option key={role} value={role}>
                  {messages.roles[role]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {isSecretariat && values.role !== 'partner' && textInput('state', text.stateHint)}
        {isSecretariat &&
          values.role === 'partner' &&
          textInput('organisation', text.organisationHint)}
        {isSecretariat && values.role === 'partner' && (
          <Field
            id={fieldIds.clearance}
            label={text.fields.clearance}
            hint={text.clearanceHint}
            error={errors.clearance}
          >
            {(aria) => (
              <select
                {...aria}
                name="clearance"
                value={values.clearance}
                onChange={(event) => {
                  setValues({ ...values, clearance: event.target.value });
                }}
              >
                <option value="">{text.chooseClearance}</option>
                {tlpLevels.map((level) => (
                  <option key={level} value={level}>
                    {formatTlp(level)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <SubmitButton isBusy={isBusy} label={text.invite} />
      </form>
    </section>
  );
}
