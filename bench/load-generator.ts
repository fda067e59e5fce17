// Runs autocannon against one URL in its own process and prints its result with the CPU time
// this process spent, so a benchmark can tell the load generator's cost from the server's.
import autocannon from 'autocannon';

import { ACCEPT_ENCODING } from './wrk.ts';

const [url, connections, seconds] = process.argv.slice(2);
if (url === undefined) throw new Error('usage: load-generator URL CONNECTIONS SECONDS');

const cpuBefore = process.cpuUsage();
const result = await autocannon({
  url,
  connections: Number(connections ?? 100),
  duration: Number(seconds ?? 10),
  headers: { 'accept-encoding': ACCEPT_ENCODING },
});
const cpu = process.cpuUsage(cpuBefore);
console.log(JSON.stringify({ result, cpuMs: (cpu.user + cpu.system) / 1000 }));
