import type { Generated } from 'kysely';

/**
 * Table types for Kysely. Timestamps are ISO 8601 UTC text of fixed width (sortable as text) in
 * both dialects; JSON values are stored as text; booleans as 0/1 integers.
 */
export interface Tables {
  states: StatesTable;
  organisations: OrganisationsTable;
  accounts: AccountsTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  pocs: PocsTable;
  poc_history: PocHistoryTable;
  stix_objects: StixObjectsTable;
  stix_object_grants: StixObjectGrantsTable;
  stix_object_owners: StixObjectOwnersTable;
  communities: CommunitiesTable;
  community_members: CommunityMembersTable;
  taxii_statuses: TaxiiStatusesTable;
  moderation_items: ModerationItemsTable;
  moderation_item_states: ModerationItemStatesTable;
  alerts: AlertsTable;
  alert_recipients: AlertRecipientsTable;
  alert_deliveries: AlertDeliveriesTable;
  jobs: JobsTable;
  mail_outbox: MailOutboxTable;
  events: EventsTable;
  audit_log: AuditLogTable;
  state_field_visibility: StateFieldVisibilityTable;
  settings: SettingsTable;
  invitations: InvitationsTable;
  password_resets: PasswordResetsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  requests: RequestsTable;
  request_recipients: RequestRecipientsTable;
  checks: ChecksTable;
  check_recipients: CheckRecipientsTable;
  exercises: ExercisesTable;
  exercise_injects: ExerciseInjectsTable;
  exercise_objects: ExerciseObjectsTable;
  guidance_documents: GuidanceDocumentsTable;
  guidance_versions: GuidanceVersionsTable;
}

/** A UN member or observer state. */
export interface StatesTable {
  code: string;
  alpha3: string;
  name: string;
  un_status: 'member' | 'observer';
  /** UN regional group, null for observer states. */
  region: string | null;
}

/** A vetted partner organisation. */
export interface OrganisationsTable {
  id: string;
  name: string;
  /** Highest TLP level the organisation may read. */
  clearance: string;
  created_at: string;
  /** ISO code of the state that sponsors the organisation; its editors may check it. */
  sponsor_state: string | null;
}

/** A person's account; belongs to one state, one organisation or the secretariat. */
export interface AccountsTable {
  id: string;
  email: string;
  email_key: string;
  role: string;
  state_code: string | null;
  organisation_id: string | null;
  password_hash: string | null;
  suspended_at: string | null;
  created_at: string;
  /** Preferred language of the account's mail (BCP 47 tag); null for the server default. */
  locale: string | null;
}

/** An API token; only its SHA-256 hash is stored. */
export interface ApiTokensTable {
  id: string;
  account_id: string;
  token_hash: string;
  label: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A browser session; the cookie value is stored hashed. */
export interface SessionsTable {
  id_hash: string;
  account_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

/** A point of contact in the directory. */
export interface PocsTable {
  id: string;
  state_code: string;
  level: string;
  name: string;
  designation: string;
  organisation: string;
  email: string;
  email_key: string;
  phone: string | null;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  updated_by: string | null;
  emergency_phone: string | null;
  /** JSON array of ISO 639-1 codes. */
  languages: Generated<string>;
  /** IANA time zone name. */
  time_zone: string | null;
  /** JSON: the string "24/7" or weekday keys (mon…sun) with "HH:MM-HH:MM" ranges. */
  hours: string | null;
  pgp_key: string | null;
  pgp_fingerprint: string | null;
  pgp_expires_at: string | null;
  /** `primary` or `alternate`. */
  contact_role: Generated<string>;
  /** The name folded for search and duplicate checks. */
  name_key: Generated<string>;
  last_confirmed_at: string | null;
  confirmed_via: string | null;
  /** Incremented by every write to the row; the entry's `ETag` and `If-Match` compare it. */
  version: Generated<number>;
}

/** One change to a PoC entry, with old and new values per field. */
export interface PocHistoryTable {
  seq: Generated<number>;
  poc_id: string;
  state_code: string;
  account_id: string | null;
  action: string;
  changes: string;
  at: string;
  /** The state's request that a secretariat change records, if any. */
  note: string | null;
}

/** One stored version of a STIX object; `data` is the object's JSON exactly as received. */
export interface StixObjectsTable {
  seq: Generated<number>;
  object_id: string;
  type: string;
  spec_version: string;
  /** Version string exactly as received (`modified`, or `created` for unversioned types). */
  version: string;
  /** `version` normalised to nanosecond width so text order is time order. */
  version_key: string;
  date_added: string;
  tlp: string;
  pap: string | null;
  data: string;
  shared_by: string;
  sharer_state: string | null;
  sharer_org: string | null;
  /** 0 (Baseline) to 5 (Emergency); lists sort by it, highest first. */
  severity: Generated<number>;
  /** Reference Security Incident Taxonomy class, such as `malicious-code`. */
  kind: string | null;
  /** Time by which the sharer requests a response, as an ISO timestamp. */
  respond_by: string | null;
  /** The sharing community the version was shared into; only its members read it. */
  community_id: string | null;
}

/** A bundle a partner submitted, held until a member approves or rejects it. */
export interface ModerationItemsTable {
  id: string;
  submitted_by: string;
  organisation_id: string | null;
  /** The submitted bundle's JSON text. */
  bundle: string;
  /** JSON of the sharing options given with the submission. */
  options: string;
  object_count: number;
  status: 'pending' | 'approved' | 'rejected';
  reason: string | null;
  decided_by: string | null;
  decided_at: string | null;
  /** JSON summary of the import made on approval. */
  result: string | null;
  created_at: string;
}

/** A recipient state of a moderation item, whose state editors and PoCs moderate it. */
export interface ModerationItemStatesTable {
  item_id: string;
  state_code: string;
}

/** The outcome of one TAXII POST, readable by its requester and the secretariat. */
export interface TaxiiStatusesTable {
  id: string;
  account_id: string;
  api_root: string;
  collection_id: string;
  status: 'pending' | 'complete';
  request_timestamp: string;
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: number;
  /** JSON array of TAXII status details (`id`, `version`, `message`). */
  successes: string;
  failures: string;
  pendings: string;
}

/** A reader of one stored version besides the TLP:CLEAR and TLP:GREEN audiences. */
export interface StixObjectGrantsTable {
  object_seq: number;
  grantee_kind: 'state' | 'organisation' | 'account' | 'secretariat';
  grantee: string;
}

/** The creator of a STIX object, the one owner whose versions of its id are accepted. */
export interface StixObjectOwnersTable {
  /** The object's id, in lower case. */
  object_id: string;
  /** `state:<code>`, `organisation:<id>` or `secretariat`. */
  owner: string;
}

/** A sharing community: a named group of states and partner organisations. */
export interface CommunitiesTable {
  id: string;
  name: string;
  /** The name in lower case, unique, so two communities cannot differ by case alone. */
  name_key: string;
  description: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  /** Set when the secretariat archives it: it stays out of lists and takes no new objects. */
  archived_at: string | null;
}

/** One member of a sharing community: a state (ISO code) or a partner organisation (id). */
export interface CommunityMembersTable {
  community_id: string;
  member_kind: 'state' | 'organisation';
  member: string;
  added_at: string;
}

/** An alert sent to points of contact. */
export interface AlertsTable {
  id: string;
  seq: Generated<number>;
  title: string;
  severity: number;
  tlp: string;
  body: string;
  object_ids: string;
  sender_account_id: string;
  sender_state: string | null;
  sender_org: string | null;
  created_at: string;
  /** 1 for a drill: every message about it says EXERCISE. */
  exercise: Generated<number>;
  /** The exercise whose inject released this alert; null for a real alert. */
  exercise_id: string | null;
  /** Minutes a recipient has to acknowledge; null when the alert has no deadline. */
  response_minutes: number | null;
  response_due_at: string | null;
}

/** One addressee of an alert, with open and acknowledgement state. */
export interface AlertRecipientsTable {
  id: string;
  alert_id: string;
  poc_id: string | null;
  email: string;
  email_key: string;
  state_code: string | null;
  level: string | null;
  ack_token_hash: string;
  opened_at: string | null;
  acknowledged_at: string | null;
  acknowledged_via: string | null;
  /** Partner organisation of a partner account; null for PoCs. */
  organisation_id: string | null;
  /** `primary` or `alternate` for PoCs; null for partner accounts and sending PoCs. */
  contact_role: string | null;
  /** Hash of the token in the reminder mail, which works like the first link. */
  reminder_token_hash: string | null;
  reminded_at: string | null;
  /** When the alternate PoCs of this recipient's state and level were alerted. */
  escalated_at: string | null;
  /** Recipient whose missing acknowledgement added this alternate. */
  escalated_from: string | null;
  /** Deadline of an alternate added by an escalation; null means the alert's deadline. */
  response_due_at: string | null;
}

/** Delivery of an alert to one recipient over one channel. */
export interface AlertDeliveriesTable {
  id: string;
  recipient_id: string;
  alert_id: string;
  channel: string;
  status: 'queued' | 'sent' | 'delivered' | 'failed';
  attempts: number;
  failure_reason: string | null;
  queued_at: string;
  sent_at: string | null;
  failed_at: string | null;
  /** When the mail server accepted the message. */
  delivered_at: string | null;
  /** Message-ID of the mail, the same on every attempt so receivers can drop a resend. */
  message_id: string | null;
  /**
   * 1 when the mail was a notice without the alert's content because encryption failed, or when
   * no mail went out because the recipient is no longer cleared for the alert's TLP.
   */
  content_withheld: Generated<number>;
}

/** A background job; claimed with a lease so a crashed worker's job is retried. */
export interface JobsTable {
  id: Generated<number>;
  kind: string;
  payload: string;
  idempotency_key: string;
  status: 'pending' | 'running' | 'done' | 'failed';
  priority: number;
  attempts: number;
  max_attempts: number;
  run_at: string;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

/** Mail kept when no SMTP server is configured. */
export interface MailOutboxTable {
  id: Generated<number>;
  message_id: string;
  to_address: string;
  subject: string;
  text_body: string;
  created_at: string;
}

/** A live event kept for replay to reconnecting Server-Sent Events clients. */
export interface EventsTable {
  id: Generated<number>;
  kind: string;
  payload: string;
  created_at: string;
}

/** Security-relevant actions, including every refusal. */
export interface AuditLogTable {
  seq: Generated<number>;
  at: string;
  account_id: string | null;
  action: string;
  target: string | null;
  outcome: 'allowed' | 'denied';
  details: string;
}

/** Server-wide key/value settings, such as generated secrets. */
export interface SettingsTable {
  key: string;
  value: string;
}

/** A state's choice of who may see one PoC field. */
export interface StateFieldVisibilityTable {
  state_code: string;
  field: string;
  visibility: 'public' | 'members';
}

/** An invitation to create an account; only the SHA-256 hash of its one-time token is stored. */
export interface InvitationsTable {
  id: string;
  email: string;
  email_key: string;
  role: string;
  state_code: string | null;
  organisation_id: string | null;
  token_hash: string;
  invited_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  /** Set when a newer invitation to the same e-mail replaced this one. */
  revoked_at: string | null;
  /** The account created when the invitation was used. */
  account_id: string | null;
}

/** A one-time link to choose a new password; only the SHA-256 hash of its token is stored. */
export interface PasswordResetsTable {
  id: string;
  account_id: string;
  token_hash: string;
  requested_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  /** Set when a newer reset replaced this one or the account was suspended. */
  revoked_at: string | null;
}

/** A webhook endpoint of a state or a partner organisation; alerts to its members are posted. */
export interface WebhooksTable {
  id: string;
  owner_kind: 'state' | 'organisation';
  /** State code or organisation id. */
  owner: string;
  url: string;
  /** HMAC-SHA256 key of the `X-Parley-Signature` header; kept in clear because signing needs it. */
  secret: string;
  is_active: number;
  created_by: string;
  created_at: string;
}

/** The one call of an alert to one webhook endpoint. */
export interface WebhookDeliveriesTable {
  id: string;
  alert_id: string;
  webhook_id: string;
  owner_kind: string;
  owner: string;
  url: string;
  status: 'queued' | 'sent' | 'delivered' | 'failed';
  attempts: number;
  response_status: number | null;
  failure_reason: string | null;
  queued_at: string;
  sent_at: string | null;
  delivered_at: string | null;
  failed_at: string | null;
}

/** A structured message from one state's PoC to another state's PoCs. */
export interface RequestsTable {
  seq: Generated<number>;
  id: string;
  /** Server-made reference such as `PRL-2026-000123`. */
  reference: string;
  /** Id of the first message of the thread; equal to `id` for a first message. */
  thread_id: string;
  parent_id: string | null;
  type: string;
  subject: string;
  sector: string;
  description: string;
  requested_action: string;
  severity: number;
  tlp: string;
  exercise: Generated<number>;
  response_due_at: string | null;
  sender_account_id: string;
  /** Sender details copied at send time, so later directory edits do not change the record. */
  sender_name: string;
  sender_organisation: string;
  sender_email: string;
  sender_email_key: string;
  sender_state: string;
  to_state: string;
  /** JSON array of PoC levels. */
  to_levels: string;
  created_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  /** Time of the first reply from the receiving side. */
  answered_at: string | null;
  /** The exercise inject that sent this message; null for real traffic and for replies. */
  exercise_inject_id: string | null;
}

/** One addressee of a request, with its mail delivery. */
export interface RequestRecipientsTable {
  id: string;
  request_id: string;
  poc_id: string | null;
  email: string;
  email_key: string;
  state_code: string | null;
  level: string | null;
  mail_status: 'queued' | 'delivered' | 'failed';
  mailed_at: string | null;
  failure_reason: string | null;
  opened_at: string | null;
}

/** A communication check: a request to a set of PoCs to answer within a window. */
export interface ChecksTable {
  id: string;
  title: string;
  created_by: string;
  /** The state that sent the check; null for the secretariat. */
  sender_state: string | null;
  /** JSON arrays of the chosen levels, state codes and UN regional groups (empty: all). */
  levels: string;
  states: string;
  regions: string;
  /** JSON array of the partner organisations addressed; null for a check without partners. */
  partner_org_ids: string | null;
  window_minutes: number;
  /** JSON array of minutes before `closes_at` at which unanswered recipients are reminded. */
  reminder_minutes: string;
  status: 'open' | 'escalating' | 'closed';
  created_at: string;
  closes_at: string;
  /** End of the escalation window, set when the check escalates at `closes_at`. */
  final_closes_at: string | null;
  closed_at: string | null;
  /** The exercise the check belongs to; null for a real check. */
  exercise_id: string | null;
  repeat_every_minutes: number | null;
  next_occurrence_at: string | null;
  /** The check created as the next occurrence of this one. */
  repeated_as: string | null;
}

/** One addressee of a check; only the SHA-256 hash of the personal token is stored. */
export interface CheckRecipientsTable {
  id: string;
  check_id: string;
  poc_id: string | null;
  state_code: string;
  level: string;
  contact_role: string;
  email: string;
  email_key: string;
  token_hash: string;
  /** The recipient this row escalates from, when the first recipient did not answer. */
  escalated_from: string | null;
  due_at: string;
  sent_at: string | null;
  delivered_at: string | null;
  delivery_failed_at: string | null;
  failure_reason: string | null;
  opened_at: string | null;
  answered_at: string | null;
  answered_via: string | null;
  reminders_sent: Generated<number>;
  last_reminder_at: string | null;
  /** When an alternate was asked in this recipient's place. */
  escalated_at: string | null;
  /**
   * The partner organisation of a partner account recipient, which has no PoC entry: its
   * `state_code` is empty and its `level` and `contact_role` are `partner`.
   */
  organisation_id: string | null;
}

/** A table-top exercise or drill. */
export interface ExercisesTable {
  id: string;
  title: string;
  scenario: string;
  /** JSON arrays of participating state codes, PoC levels and partner organisation ids. */
  states: string;
  levels: string;
  partner_org_ids: string;
  status: 'planned' | 'running' | 'ended';
  controller_id: string;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
}

/** A timed event of an exercise, released on schedule or by the controller. */
export interface ExerciseInjectsTable {
  id: string;
  exercise_id: string;
  kind: 'check' | 'alert' | 'request' | 'bundle';
  title: string;
  body: string;
  /** Minutes after the exercise starts at which the inject is released. */
  offset_minutes: number;
  /** Response window of a check inject, in minutes. */
  window_minutes: number;
  released_at: string | null;
  released_by: string | null;
  /** Id of the check or alert the release created; null for request and bundle injects. */
  target_id: string | null;
  /** TLP of an alert, request or bundle inject; null means TLP:AMBER. */
  tlp: string | null;
  /** The STIX 2.1 bundle of a bundle inject, as validated JSON text. */
  bundle: string | null;
}

/**
 * A STIX object released by a bundle inject. Exercise objects live only in this table, so real
 * TAXII collections, object lists, exports and figures, which read `stix_objects`, never see them.
 */
export interface ExerciseObjectsTable {
  id: string;
  exercise_id: string;
  inject_id: string;
  object_id: string;
  type: string;
  version: string;
  tlp: string;
  data: string;
  released_at: string;
}

/** A guidance document of the library; the row holds the current version. */
export interface GuidanceDocumentsTable {
  id: string;
  title: string;
  /** JSON array of lower-case tags. */
  tags: string;
  tlp: string;
  /** Markdown source; it is sanitised whenever it is rendered. */
  body: string;
  /** Title, tags and body folded for search. */
  search_text: string;
  version: number;
  author_id: string;
  /** JSON array of audience grants, as for shared STIX objects. */
  grants: string;
  created_at: string;
  updated_at: string;
  updated_by: string;
}

/** One stored version of a guidance document. */
export interface GuidanceVersionsTable {
  document_id: string;
  version: number;
  title: string;
  tags: string;
  tlp: string;
  body: string;
  edited_by: string;
  edited_at: string;
}
