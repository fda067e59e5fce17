import { buildApp } from './app/app.ts';
import { createContext } from './app/context-factory.ts';
import { createLogger } from './app/logger.ts';
import { loadConfig, readSettings } from './config/config.ts';
import { loadDemoData } from './demo/demo-data.ts';
import { createJobWorker } from './jobs/job-registry.ts';
import { loadTaxiiOptions } from './taxii/taxii.config.ts';

// Every setting is checked before anything starts, so a bad variable gives one line naming it
// and exit code 1, not a stack trace.
const loadedConfig = readSettings(() => loadConfig());
const loadedTaxii = readSettings(() => loadTaxiiOptions());
const settingErrors = [loadedConfig, loadedTaxii].flatMap((loaded) =>
  'errors' in loaded ? loaded.errors : [],
);
if (!('settings' in loadedConfig) || settingErrors.length > 0) {
  for (const line of settingErrors) console.error(line);
  process.exit(1);
}
const config = loadedConfig.settings;
const logger = createLogger(config.logLevel);
const ctx = await createContext(config, logger);

if (config.demoData) {
  const demo = await loadDemoData(ctx);
  if (demo !== null) {
    console.log('\nDemo data loaded. Demo accounts (passwords are shown only this once):');
    for (const account of demo.accounts) {
      console.log(`  ${account.role.padEnd(13)} ${account.email.padEnd(32)} ${account.password}`);
    }
    console.log('');
  }
}

const app = await buildApp(ctx);
await app.listen({ host: config.host, port: config.port });
const worker = createJobWorker(ctx);
worker.start();
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : config.port;
console.log(`Parley is serving on http://${config.host}:${port}/ (Ctrl-C to stop)`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  await app.close();
  // The worker finishes its running jobs (or releases them after a grace period) before the
  // connections it needs are closed.
  await worker.stop();
  await ctx.bus.close();
  ctx.mailer.close();
  await ctx.database.close();
  logger.info('stopped');
}

process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
