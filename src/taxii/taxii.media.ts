import { DomainError } from '../shared/errors.ts';

/** The TAXII 2.1 media type , sent on every TAXII response. */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';

/** Media type of the STIX objects a collection holds. */
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

interface MediaRange {
  type: string;
  version: string | null;
}

function parseMediaRanges(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const [type = '', ...parameters] = part.split(';').map((piece) => piece.trim());
      const version = parameters.find((parameter) => /^version\s*=/i.test(parameter));

      return {
        type: type.toLowerCase(),
        version: version === undefined ? null : (version.split('=')[1]?.trim() ?? ''),
      };
    });
}

/**
 * Throws `not_acceptable` unless the `Accept` header allows the TAXII 2.1 media type. A missing
 * header, `*\/*`, `application/*` and `application/taxii+json` without a version all allow it.
 */
export function assertAcceptable(accept: string | undefined): void {
  if (accept === undefined || accept.trim() === '') return;
  const allowed = parseMediaRanges(accept).some(
    (range) =>
      range.type === '*/*' ||
      range.type === 'application/*' ||
      (range.type === 'application/taxii+json' &&
        (range.version === null || range.version === '2.1')),
  );
  if (!allowed) {
    throw new DomainError('not_acceptable', (m) =>
      m.problems.taxii.notAcceptable(accept, TAXII_MEDIA_TYPE),
    );
  }
}

/** Throws `unsupported_media_type` unless a POST body is sent as TAXII 2.1 JSON. */
export function assertTaxiiContentType(contentType: string | undefined): void {
  const [range] = parseMediaRanges(contentType ?? '');
  const supported =
    range !== undefined &&
    range.type === 'application/taxii+json' &&
    (range.version === null || range.version === '2.1');
  if (!supported) {
    throw new DomainError('unsupported_media_type', (m) =>
      m.problems.taxii.unsupportedContentType(contentType ?? '', TAXII_MEDIA_TYPE),
    );
  }
}
