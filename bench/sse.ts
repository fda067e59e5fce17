import { rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

import pino from 'pino';

import { buildApp } from '../src/app/app.ts';
import { createContext } from '../src/app/context-factory.ts';
import type { AppContext } from '../src/app/context.ts';
import { loadConfig } from '../src/config/config.ts';
import { hashSecret, newId } from '../src/shared/crypto.ts';

/** Result of one run: time from just before the POST to the event's arrival, per connection. */
export interface SseBenchResult {
  connections: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
}

const STATES = ['FR', 'DE', 'BR', 'JP', 'KE', 'IN', 'MX', 'NO', 'PT', 'ZA'];

async function seed(
  ctx: AppContext,
  count: number,
): Promise<{ pocTokens: string[]; senderToken: string }> {
  const now = ctx.clock.now().toISOString();
  const pocTokens: string[] = [];
  let senderToken = '';
  const accounts = [];
  const tokens = [];
  const pocs = [];
  for (let i = 0; i <= count; i += 1) {
    const isSender = i === count;
    const email = isSender ? 'sender@bench.test' : `poc-${i}@bench.test`;
    const state = isSender ? null : (STATES[i % STATES.length] ?? 'FR');
    const id = newId();
    const token = `bench-token-${i}-${newId()}`;
    accounts.push({
      id,
      email,
      email_key: email,
      role: isSender ? 'secretariat' : 'poc',
      state_code: state,
      organisation_id: null,
      password_hash: null,
      suspended_at: null,
      created_at: now,
    });
    tokens.push({
      id: newId(),
      account_id: id,
      token_hash: hashSecret(token),
      label: 'bench',
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    });
    if (isSender) {
      senderToken = token;
      continue;
    }
    pocTokens.push(token);
    pocs.push({
      id: newId(),
      state_code: state ?? 'FR',
      level: 'technical',
      name: `Contact ${i}`,
      designation: 'Duty officer',
      organisation: `CERT ${state ?? ''}`,
      email,
      email_key: email,
      phone: null,
      created_at: now,
      updated_at: now,
      created_by: null,
      updated_by: null,
    });
  }
  for (let i = 0; i < accounts.length; i += 400) {
    await ctx.db
      .insertInto('accounts')
      .values(accounts.slice(i, i + 400))
      .execute();
    await ctx.db
      .insertInto('api_tokens')
      .values(tokens.slice(i, i + 400))
      .execute();
    await ctx.db
      .insertInto('pocs')
      .values(pocs.slice(i, i + 400))
      .execute();
  }

  return { pocTokens, senderToken };
}

function openStream(agent: http.Agent, port: number, token: string, onAlert: () => void) {
  return new Promise<http.ClientRequest>((resolve, reject) => {
    const request = http.get(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/events',
        agent,
        headers: { authorization: `Bearer ${token}` },
      },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`Stream request failed with status ${response.statusCode ?? 0}`));
          return;
        }
        let isSeen = false;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (!isSeen && chunk.includes('event: alert')) {
            isSeen = true;
            onAlert();
          }
        });
        resolve(request);
      },
    );
    request.on('error', reject);
  });
}

function postAlert(port: number, token: string) {
  const body = JSON.stringify({
    title: 'Benchmark alert',
    severity: 2,
    tlp: 'green',
    body: 'Load test.',
  });
  return new Promise<number>((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/alerts',
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          resolve(response.statusCode ?? 0);
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);

  return sorted[Math.max(0, index)] ?? Number.NaN;
}

/**
 * Starts the app on a fresh SQLite file in /tmp with `connections` PoC accounts, opens one SSE
 * stream per PoC on 127.0.0.1, posts one GREEN alert and measures when each stream receives it.
 */
export async function benchSse(connections = 1000, timeoutMs = 30_000): Promise<SseBenchResult> {
  const path = `/tmp/parley-bench-sse-${newId()}.db`;
  const config = { ...loadConfig({ DATABASE_URL: path, LOG_LEVEL: 'silent' }), demoData: false };
  const ctx = await createContext(config, pino({ level: 'silent' }));
  const app = await buildApp(ctx);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections + 10 });
  const requests: http.ClientRequest[] = [];

  try {
    const { pocTokens, senderToken } = await seed(ctx, connections);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;

    const arrivals: number[] = [];
    let start = 0;
    let resolveAll: () => void = () => undefined;
    const allArrived = new Promise<void>((resolve) => {
      resolveAll = resolve;
    });
    const onAlert = () => {
      arrivals.push(performance.now() - start);
      if (arrivals.length === connections) resolveAll();
    };
    for (let i = 0; i < pocTokens.length; i += 100) {
      const batch = pocTokens
        .slice(i, i + 100)
        .map((token) => openStream(agent, port, token, onAlert));
      requests.push(...(await Promise.all(batch)));
    }

    start = performance.now();
    const status = await postAlert(port, senderToken);
    if (status !== 201) throw new Error(`Alert POST failed with status ${status}`);
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([allArrived, timeout]);

    const sorted = [...arrivals].sort((a, b) => a - b);
    const round = (ms: number) => Math.round(ms * 10) / 10;

    return {
      connections: arrivals.length,
      medianMs: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted.at(-1) ?? Number.NaN),
    };
  } finally {
    for (const request of requests) request.destroy();
    agent.destroy();
    await app.close();
    await ctx.bus.close();
    ctx.mailer.close();
    await ctx.database.close();
    await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(path + suffix, { force: true })));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchSse()));
}
