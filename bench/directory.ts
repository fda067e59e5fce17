import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import fastifyStatic from '@fastify/static';
import type autocannon from 'autocannon';
import pino from 'pino';

import { buildApp } from '../src/app/app.ts';
import type { AppContext } from '../src/app/context.ts';
import { createContext } from '../src/app/context-factory.ts';
import { loadConfig } from '../src/config/config.ts';
import { pocLevels } from '../src/directory/pocs.schema.ts';
import { newId } from '../src/shared/crypto.ts';
import { BROTLI_QUALITY } from '../src/web/response-cache.ts';
import { hasWrk, loadWithWrk } from './wrk.ts';

/** Figures of one autocannon run. */
export interface LoadFigures {
  /** Failed requests and non-2xx responses; a sound run has none. */
  errors: number;
  timeouts: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  bytesPerResponse: number;
  /** CPU time the server process spent per response (user + system), in milliseconds. */
  serverCpuMsPerResponse: number;
  /** CPU time autocannon's process spent per response, in milliseconds. */
  loadGeneratorCpuMsPerResponse: number;
  /** TCP segments retransmitted during the run (wrk runs on Linux only), or null. */
  retransmittedSegments: number | null;
}

/** Figures for the three URLs under one load generator. */
export interface DirectoryRuns {
  page: LoadFigures;
  json: LoadFigures;
  staticFile: LoadFigures;
}

/** Results of the directory benchmark. */
export interface DirectoryBenchmark extends DirectoryRuns {
  pocs: number;
  connections: number;
  seconds: number;
  /** The same three runs under wrk, or null when wrk is not installed. */
  wrk: DirectoryRuns | null;
}

const POCS_PER_STATE = 5;
const run = promisify(execFile);

async function seedDirectory(ctx: AppContext) {
  const states = await ctx.db.selectFrom('states').select('code').execute();
  const now = ctx.clock.now().toISOString();
  let count = 0;
  for (const { code } of states) {
    const rows = Array.from({ length: POCS_PER_STATE }, (_, i) => {
      count += 1;
      const email = `contact-${i}@cert.${code.toLowerCase()}.example`;
      return {
        id: newId(),
        state_code: code,
        level: pocLevels[i % 3] ?? 'technical',
        contact_role: i < 3 ? 'primary' : 'alternate',
        name: `Contact ${count} of ${code}`,
        name_key: `contact ${count} of ${code.toLowerCase()}`,
        designation: 'Head of incident response',
        organisation: `National CSIRT of ${code}`,
        email,
        email_key: email,
        phone: '+41225550123',
        languages: '["en","fr"]',
        time_zone: 'Europe/Zurich',
        created_at: now,
        updated_at: now,
        created_by: null,
        updated_by: null,
        last_confirmed_at: now,
      };
    });
    await ctx.db.insertInto('pocs').values(rows).execute();
  }

  return count;
}

function perResponse(cpuMs: number, responses: number): number {
  return Math.round((cpuMs / Math.max(1, responses)) * 1000) / 1000;
}

/**
 * Loads one URL with autocannon in a child process, so that the load generator does not share
 * the server's event loop, offering the codings that browsers offer. The CPU time of both processes is
 * recorded per response, which shows which of the two limits the rate.
 */
async function loadWithAutocannon(
  url: string,
  connections: number,
  seconds: number,
): Promise<LoadFigures> {
  const cpuBefore = process.cpuUsage();
  const generator = fileURLToPath(new URL('./load-generator.ts', import.meta.url));
  const { stdout } = await run(
    'node',
    ['--import', 'tsx', generator, url, String(connections), String(seconds)],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const { result, cpuMs } = JSON.parse(stdout) as { result: autocannon.Result; cpuMs: number };
  const serverCpu = process.cpuUsage(cpuBefore);
  const responses = result.requests.total;

  return {
    errors: result.errors + result.non2xx,
    timeouts: result.timeouts,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    bytesPerResponse: Math.round(result.throughput.total / Math.max(1, responses)),
    serverCpuMsPerResponse: perResponse((serverCpu.user + serverCpu.system) / 1000, responses),
    loadGeneratorCpuMsPerResponse: perResponse(cpuMs, responses),
    retransmittedSegments: null,
  };
}

/**
 * Loads the same URLs with wrk, whose C code spends a fraction of autocannon's CPU per response,
 * so that more of the two cores go to the server.
 */
async function loadWithWrkFigures(
  url: string,
  connections: number,
  seconds: number,
): Promise<LoadFigures> {
  const cpuBefore = process.cpuUsage();
  const result = await loadWithWrk(url, connections, seconds);
  const serverCpu = process.cpuUsage(cpuBefore);

  return {
    errors: result.errors,
    timeouts: 0,
    requestsPerSecond: Math.round(result.requests / result.seconds),
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    bytesPerResponse: Math.round(result.bytes / Math.max(1, result.requests)),
    serverCpuMsPerResponse: perResponse(
      (serverCpu.user + serverCpu.system) / 1000,
      result.requests,
    ),
    loadGeneratorCpuMsPerResponse: perResponse(result.cpuMs, result.requests),
    retransmittedSegments: result.retransmittedSegments,
  };
}

type Loader = (url: string, connections: number, seconds: number) => Promise<LoadFigures>;

async function loadAll(
  base: string,
  loader: Loader,
  connections: number,
  seconds: number,
): Promise<DirectoryRuns> {
  return {
    page: await loader(`${base}/`, connections, seconds),
    json: await loader(`${base}/api/v1/directory`, connections, seconds),
    staticFile: await loader(`${base}/static-copy/directory.html`, connections, seconds),
  };
}

/**
 * Serves the public directory (195 states, 5 PoCs each) from a fresh SQLite database on
 * 127.0.0.1 and loads the HTML page, the JSON export and the same page saved as a static file
 * (served by the same process, precompressed with gzip and with Brotli at the server's quality) with autocannon, one after the other, then
 * again with wrk when it is installed.
 */
export async function benchDirectory(connections = 100, seconds = 10): Promise<DirectoryBenchmark> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-'));
  const config = loadConfig({ DATABASE_URL: join(dir, 'bench.db'), LOG_LEVEL: 'silent' });
  const ctx = await createContext(config, pino({ level: 'silent' }));
  const pocs = await seedDirectory(ctx);
  const app = await buildApp(ctx);
  await app.register(fastifyStatic, { root: dir, prefix: '/static-copy/', preCompressed: true });

  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    const page = await (await fetch(`${base}/`)).text();
    await writeFile(join(dir, 'directory.html'), page);
    await writeFile(join(dir, 'directory.html.gz'), gzipSync(page));
    const brotliParams = { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY };
    await writeFile(
      join(dir, 'directory.html.br'),
      brotliCompressSync(page, { params: brotliParams }),
    );

    const autocannonRuns = await loadAll(base, loadWithAutocannon, connections, seconds);
    const wrkRuns = hasWrk() ? await loadAll(base, loadWithWrkFigures, connections, seconds) : null;

    return { pocs, connections, seconds, ...autocannonRuns, wrk: wrkRuns };
  } finally {
    await app.close();
    await ctx.bus.close();
    await ctx.database.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  console.log(JSON.stringify(await benchDirectory(), null, 2));
}
