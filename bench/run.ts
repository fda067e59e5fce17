// Runs every benchmark in turn on this machine and prints the figures with their targets.
import { cpus } from 'node:os';

import { benchChecks } from './checks.ts';
import { benchDirectory } from './directory.ts';
import { benchImport } from './import.ts';
import { benchMail } from './mail.ts';
import { benchSse } from './sse.ts';
import { benchTaxii } from './taxii.ts';

interface Row {
  figure: string;
  value: number;
  unit: string;
  /** Target and whether higher values are better; null where no target is set. */
  target: { value: number; higherIsBetter: boolean } | null;
}

function ratio(row: Row): string {
  if (row.target === null) return '';
  const { value, higherIsBetter } = row.target;
  const factor = higherIsBetter ? row.value / value : value / row.value;

  return `${factor.toFixed(2)}× target (${higherIsBetter ? '≥' : '≤'} ${value} ${row.unit})`;
}

function print(title: string, rows: Row[]) {
  console.log(`\n${title}`);
  for (const row of rows) {
    const value = `${row.value} ${row.unit}`.padEnd(16);
    console.log(`  ${row.figure.padEnd(46)} ${value} ${ratio(row)}`);
  }
}

console.log(`Parley benchmarks on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`);

const imported = await benchImport();
print('STIX import (ICS ATT&CK bundle, SQLite, importBundle)', [
  { figure: `objects imported`, value: imported.objects, unit: 'objects', target: null },
  {
    figure: 'objects per second',
    value: imported.objectsPerSecond,
    unit: 'objects/s',
    target: null,
  },
]);

const sse = await benchSse();
print(`Alert to ${sse.connections} open SSE connections (SQLite)`, [
  { figure: 'median, POST to event', value: sse.medianMs, unit: 'ms', target: null },
  {
    figure: 'p99, POST to event',
    value: sse.p99Ms,
    unit: 'ms',
    target: { value: 250, higherIsBetter: false },
  },
  { figure: 'slowest', value: sse.maxMs, unit: 'ms', target: null },
]);

const mail = await benchMail();
print(`Alert mail to ${mail.mails} PoCs, pooled SMTP to a local smtp-server (SQLite)`, [
  {
    figure: 'all mails accepted',
    value: mail.allAcceptedMs,
    unit: 'ms',
    target: { value: 10_000, higherIsBetter: false },
  },
  { figure: 'mails per second', value: mail.mailsPerSecond, unit: 'mails/s', target: null },
  { figure: 'job worker slots', value: mail.concurrency, unit: 'slots', target: null },
]);

const directory = await benchDirectory();
const pageShare = directory.page.requestsPerSecond / directory.staticFile.requestsPerSecond;
const jsonShare = directory.json.requestsPerSecond / directory.staticFile.requestsPerSecond;
print(
  `Public directory, ${directory.pocs} PoCs, ${directory.connections} connections (autocannon)`,
  [
    {
      figure: 'page requests/s',
      value: directory.page.requestsPerSecond,
      unit: 'req/s',
      target: null,
    },
    {
      figure: 'page p99',
      value: directory.page.p99Ms,
      unit: 'ms',
      target: { value: 50, higherIsBetter: false },
    },
    {
      figure: 'JSON requests/s',
      value: directory.json.requestsPerSecond,
      unit: 'req/s',
      target: null,
    },
    {
      figure: 'JSON p99',
      value: directory.json.p99Ms,
      unit: 'ms',
      target: { value: 50, higherIsBetter: false },
    },
    {
      figure: 'same page as a static file, requests/s',
      value: directory.staticFile.requestsPerSecond,
      unit: 'req/s',
      target: null,
    },
    { figure: 'static file p99', value: directory.staticFile.p99Ms, unit: 'ms', target: null },
    {
      figure: 'page rate / static rate',
      value: Number(pageShare.toFixed(2)),
      unit: '',
      target: { value: 0.5, higherIsBetter: true },
    },
    {
      figure: 'JSON rate / static rate',
      value: Number(jsonShare.toFixed(2)),
      unit: '',
      target: { value: 0.5, higherIsBetter: true },
    },
    {
      figure: 'page: server CPU per response',
      value: directory.page.serverCpuMsPerResponse,
      unit: 'ms',
      target: null,
    },
    {
      figure: 'page: autocannon CPU per response',
      value: directory.page.loadGeneratorCpuMsPerResponse,
      unit: 'ms',
      target: null,
    },
    {
      figure: 'static file: server CPU per response',
      value: directory.staticFile.serverCpuMsPerResponse,
      unit: 'ms',
      target: null,
    },
    {
      figure: 'failed requests (all three runs)',
      value: directory.page.errors + directory.json.errors + directory.staticFile.errors,
      unit: '',
      target: null,
    },
  ],
);

if (directory.wrk === null) {
  console.log('\n  wrk is not installed (apt-get install wrk); its runs were skipped');
} else {
  const { page, json, staticFile } = directory.wrk;
  print(`Public directory, same data and connections (wrk, one thread)`, [
    { figure: 'page requests/s', value: page.requestsPerSecond, unit: 'req/s', target: null },
    {
      figure: 'page p99',
      value: page.p99Ms,
      unit: 'ms',
      target: { value: 50, higherIsBetter: false },
    },
    { figure: 'JSON requests/s', value: json.requestsPerSecond, unit: 'req/s', target: null },
    {
      figure: 'JSON p99',
      value: json.p99Ms,
      unit: 'ms',
      target: { value: 50, higherIsBetter: false },
    },
    {
      figure: 'static file requests/s',
      value: staticFile.requestsPerSecond,
      unit: 'req/s',
      target: null,
    },
    { figure: 'static file p99', value: staticFile.p99Ms, unit: 'ms', target: null },
    {
      figure: 'page rate / static rate',
      value: Number((page.requestsPerSecond / staticFile.requestsPerSecond).toFixed(2)),
      unit: '',
      target: { value: 0.5, higherIsBetter: true },
    },
    {
      figure: 'TCP segments retransmitted (page, JSON, static)',
      value: [page, json, staticFile].reduce(
        (sum, figures) => sum + (figures.retransmittedSegments ?? 0),
        0,
      ),
      unit: 'segments',
      target: null,
    },
    {
      figure: 'page: wrk CPU per response',
      value: page.loadGeneratorCpuMsPerResponse,
      unit: 'ms',
      target: null,
    },
    {
      figure: 'failed requests (all three runs)',
      value: page.errors + json.errors + staticFile.errors,
      unit: '',
      target: null,
    },
  ]);
}

const taxiiRuns = [await benchTaxii('sqlite')];
if (process.env.TEST_DATABASE_URL !== undefined && process.env.TEST_DATABASE_URL !== '') {
  taxiiRuns.push(await benchTaxii('postgres'));
}
for (const taxii of taxiiRuns) {
  print(`TAXII 2.1 (${taxii.dialect})`, [
    {
      figure: `ingest, envelopes of ${taxii.envelopeSize} indicators`,
      value: taxii.ingestPerSecond,
      unit: 'objects/s',
      target: taxii.dialect === 'sqlite' ? { value: 20_000, higherIsBetter: true } : null,
    },
    {
      figure: `paged read of ${taxii.objectsRead} objects (${taxii.pages} pages)`,
      value: taxii.readPerSecond,
      unit: 'objects/s',
      target: taxii.dialect === 'sqlite' ? { value: 50_000, higherIsBetter: true } : null,
    },
  ]);
}

const checks = await benchChecks();
print(`Communication check to ${checks.recipients} PoCs, answers posted at once (SQLite)`, [
  { figure: 'answers recorded', value: checks.answersRecorded, unit: 'answers', target: null },
  { figure: 'answers per second', value: checks.answersPerSecond, unit: 'answers/s', target: null },
  { figure: 'results page computed in', value: checks.resultsPageMs, unit: 'ms', target: null },
  { figure: 'public aggregates computed in', value: checks.summaryMs, unit: 'ms', target: null },
]);
