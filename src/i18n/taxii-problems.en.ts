import type { ErrorCode } from '../shared/errors.ts';

/** English text of the errors that the TAXII 2.1 server returns in its error resource. */
export const taxiiProblems = {
  /** `title` of the TAXII error resource by error code; other codes show the code itself. */
  titles: {
    unauthenticated: 'Authentication required',
    forbidden: 'Not allowed',
    not_found: 'Not found',
    not_acceptable: 'Not acceptable',
    unsupported_media_type: 'Unsupported media type',
    payload_too_large: 'Request too large',
    validation_failed: 'Invalid request',
    invalid_request: 'Invalid request',
    internal: 'Internal server error',
  } satisfies Partial<Record<ErrorCode, string>> as Partial<Record<ErrorCode, string>>,
  notAcceptable: (accept: string, mediaType: string) =>
    `Accept "${accept}" does not allow ${mediaType}: send Accept: ${mediaType}`,
  unsupportedContentType: (contentType: string, mediaType: string) =>
    `Content-Type "${contentType}" is not supported: send the envelope as ${mediaType}`,
  filtersChanged:
    'next: the filters differ from those of the first page; repeat them or leave them out',
  cursorForOtherFilters: 'was issued for other filters',
  cursorInvalid:
    'next: the pagination cursor is invalid or was changed; restart paging without next',
  cursorNotIssued: 'is not a cursor this server issued',
  cursorOtherScope:
    'next: the cursor belongs to another endpoint or collection; restart paging without next',
  cursorOtherEndpoint: 'belongs to another endpoint',
  apiRootNotFound: 'API root not found',
  apiRootNeedsAccount: 'This API root needs an e-mail and API token',
  collectionNotFound: 'Collection not found',
  membersOnlyRead: 'Only members of this community may read its objects',
  addForbidden: 'You may not add objects to this collection',
  statusNotFound: 'Status not found',
  objectNotFound: 'STIX object not found',
  deleteForbidden: 'You may not delete objects from this collection',
  deleteOwnersOnly:
    'Only the account that shared every version of this object, or the secretariat, may delete it',
  tooLarge: (maxContentLength: number) =>
    `The request body is larger than the API root's max_content_length of ${maxContentLength} ` +
    'bytes: split the envelope into smaller ones',
  tooLargeWithLength: (length: number, maxContentLength: number) =>
    `The request body of ${length} bytes is larger than the API root's max_content_length of ` +
    `${maxContentLength} bytes: split the envelope into smaller ones`,
  /** Messages of the request schema's own checks. */
  fields: {
    eachId: 'each id must be a STIX identifier such as indicator--<UUID>',
    eachVersion:
      'each version must be first, last, all or a timestamp such as 2024-03-05T08:15:30Z',
    eachSpecVersion: 'each spec_version must look like 2.1',
    limit: 'limit must be a positive whole number',
  },
} as const;
