import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The `Accept-Encoding` that Chromium sends, which both load generators send too. */
export const ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

/** Path of Debian's wrk, a load generator written in C. */
export const WRK_PATH = '/usr/bin/wrk';

/** Totals of one wrk run, with the CPU time that wrk's process spent. */
export interface WrkResult {
  requests: number;
  seconds: number;
  bytes: number;
  /** Socket errors, non-2xx/3xx responses and timeouts together. */
  errors: number;
  p50Ms: number;
  p99Ms: number;
  cpuMs: number;
  /** TCP segments the kernel sent again during the run (Linux `RetransSegs`), or null. */
  retransmittedSegments: number | null;
}

interface WrkReport {
  requests: number;
  durationUs: number;
  bytes: number;
  socketErrors: number;
  statusErrors: number;
  timeouts: number;
  p50Us: number;
  p99Us: number;
}

/** Returns whether wrk is installed (`apt-get install wrk`). */
export function hasWrk(): boolean {
  return existsSync(WRK_PATH);
}

/**
 * Reads Linux's count of retransmitted TCP segments from `/proc/net/snmp`, or null elsewhere.
 * A retransmission on loopback delays its response by a loss probe or a retransmission timeout
 * (Linux's minimum is 200 ms), which the percentiles show although the server was not slow.
 */
function readRetransmittedSegments(): number | null {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n');
    const header = lines.findIndex((line) => line.startsWith('Tcp: RtoAlgorithm'));
    const names = lines[header]?.split(' ') ?? [];
    const values = lines[header + 1]?.split(' ') ?? [];
    const value = values[names.indexOf('RetransSegs')];

    return value === undefined ? null : Number(value);
  } catch {
    return null;
  }
}

/** Reads the children's CPU time from the second line of bash's `times` (`0m1.250s 0m0.310s`). */
function childCpuMs(timesOutput: string): number {
  const line = timesOutput.trim().split('\n').at(-1) ?? '';
  const seconds = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map(
    ([, minutes, rest]) => Number(minutes) * 60 + Number(rest),
  );

  return Math.round(seconds.reduce((sum, value) => sum + value, 0) * 1000);
}

/**
 * Loads one URL with wrk on one thread, offering the codings that browsers offer. The Lua script prints
 * the figures as JSON when the run ends; bash's `times` adds the CPU time wrk spent.
 */
export async function loadWithWrk(
  url: string,
  connections: number,
  seconds: number,
): Promise<WrkResult> {
  const script = fileURLToPath(new URL('./wrk-report.lua', import.meta.url));
  const command =
    `"${WRK_PATH}" -t1 -c${connections} -d${seconds}s -H 'Accept-Encoding: ${ACCEPT_ENCODING}' ` +
    `-s "${script}" "${url}" && times`;
  const retransmittedBefore = readRetransmittedSegments();
  const { stdout } = await run('bash', ['-c', command], { maxBuffer: 4 * 1024 * 1024 });
  const retransmittedAfter = readRetransmittedSegments();
  const reportLine = stdout.split('\n').find((line) => line.startsWith('{"requests"'));
  if (reportLine === undefined) throw new Error(`wrk printed no report: ${stdout}`);
  const report = JSON.parse(reportLine) as WrkReport;
  const timesOutput = stdout.slice(stdout.indexOf(reportLine) + reportLine.length);

  return {
    requests: report.requests,
    seconds: report.durationUs / 1e6,
    bytes: report.bytes,
    errors: report.socketErrors + report.statusErrors + report.timeouts,
    p50Ms: report.p50Us / 1000,
    p99Ms: report.p99Us / 1000,
    cpuMs: childCpuMs(timesOutput),
    retransmittedSegments:
      retransmittedBefore === null || retransmittedAfter === null
        ? null
        : retransmittedAfter - retransmittedBefore,
  };
}
