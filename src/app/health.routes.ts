import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';

import { DomainError } from '../shared/errors.ts';
import type { AppContext } from './context.ts';

/** Registers liveness (`/healthz`) and readiness (`/readyz`, database reachable) probes. */
export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (request) => {
    try {
      await sql`select 1`.execute(ctx.db);
    } catch (error) {
      request.log.warn({ err: error }, 'database not reachable');
      throw new DomainError('unavailable', (m) => m.problems.http.databaseUnreachable);
    }

    return { status: 'ready', database: ctx.database.dialect };
  });
}
