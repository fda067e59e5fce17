import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { processMessages } from '../i18n/messages.ts';
import {
  checkUrlShape,
  ForbiddenTargetError,
  guardedLookup,
  isAllowedHost,
  type WebhookTargetPolicy,
} from './webhook-target.ts';

/** One POST of a webhook call. */
export interface WebhookCall {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/**
 * POSTs a body and returns the reply status, without following redirects. The URL is checked
 * again here, and the host name is resolved through a lookup that refuses forbidden addresses,
 * so the connection goes only to an address that passed the check. Throws ForbiddenTargetError
 * for a forbidden target and the socket's error for a network failure or timeout.
 */
export function postWebhook(call: WebhookCall, policy: WebhookTargetPolicy): Promise<number> {
  const shapeProblem = checkUrlShape(call.url, policy);
  if (shapeProblem !== null)
    return Promise.reject(new ForbiddenTargetError(shapeProblem(processMessages)));
  const url = new URL(call.url);
  const options: RequestOptions = {
    method: 'POST',
    headers: { ...call.headers, 'content-length': String(Buffer.byteLength(call.body)) },
    signal: AbortSignal.timeout(call.timeoutMs),
  };
  // An allowed host name is trusted with whatever it resolves to.
  if (!isAllowedHost(call.url, policy)) options.lookup = guardedLookup(policy);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve, reject) => {
    const request = send(url, options, (response) => {
      // Only the status matters, so the rest of the reply is not read.
      response.destroy();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end(call.body);
  });
}
