import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the test receiver got, with its raw body. */
export interface ReceivedCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Starts an HTTP webhook receiver on 127.0.0.1. `statusFor` picks the reply status of each call
 * (200 by default), so a test can make an endpoint fail and then recover.
 */
export async function startWebhookReceiver(statusFor: (call: ReceivedCall) => number = () => 200) {
  const calls: ReceivedCall[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const call = {
        path: request.url ?? '/',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      calls.push(call);
      response.statusCode = statusFor(call);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A running webhook receiver. */
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
