import { createHmac } from 'node:crypto';

import { safeEqual } from '../shared/crypto.ts';

/** Name of the signature header on every webhook call. */
export const SIGNATURE_HEADER = 'x-parley-signature';

/** Age, in seconds, beyond which a receiver should reject a call as a possible replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Returns the hex HMAC-SHA256 of `timestamp + "." + body` under the endpoint's secret. */
export function computeSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** Builds the `X-Parley-Signature` value `t=<unix seconds>,v1=<hex>` for one body. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, body)}`;
}

/**
 * Verifies a webhook call as a receiver should: parse `t` and every `v1` from the header,
 * recompute the HMAC over the raw body exactly as received, compare in constant time, and reject
 * a timestamp more than `toleranceSeconds` from the receiver's clock. Store the
 * `Idempotency-Key` header of accepted calls to drop a retried call already processed.
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (header === undefined) return false;
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(timestamp)) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;

  const expected = computeSignature(secret, timestamp, body);

  return parts.some(
    ([key, value]) => key === 'v1' && value !== undefined && safeEqual(value, expected),
  );
}
