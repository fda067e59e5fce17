import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { sendProblem } from '../app/problem.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { DomainError, invalidField, type ErrorText } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { importPocsCsv } from './poc-import.service.ts';

/** Largest import file; an export of a state's PoCs is a few kilobytes. */
const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

const ImportQuery = z.object({
  dryRun: z.enum(['true', 'false']).default('false'),
  confirmDuplicates: z.enum(['true', 'false']).default('false'),
});

/** Returns the CSV text of a `text/csv` body or of the `file` field of a multipart form. */
function readImportFile(request: FastifyRequest): Buffer | string {
  const body: unknown = request.body;
  if (!request.isMultipart()) {
    if (Buffer.isBuffer(body)) return body;
    throw invalidField('file', (m) => m.problems.directory.importFileMissing);
  }

  const file = (body as Record<string, unknown> | undefined)?.file;
  if (Buffer.isBuffer(file) || typeof file === 'string') return file;
  throw invalidField('file', (m) => m.problems.directory.importFileMissing);
}

/**
 * Registers `POST /api/v1/pocs/import`, which reads a CSV file in the directory export's format
 * as a `text/csv` body or a multipart upload. Both parsers are registered in this scope only.
 */
export function registerPocImportRoutes(app: FastifyInstance, ctx: AppContext) {
  void app.register(async (scope) => {
    // A JSON or text body is no CSV file: it gets 415 naming the two types this route reads.
    scope.removeAllContentTypeParsers();
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5, fieldSize: 1024 },
    });
    scope.addContentTypeParser(
      'text/csv',
      { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES },
      (_request, body, done) => {
        done(null, body);
      },
    );
    // The multipart parser throws plain errors for a broken form; they are the client's fault.
    scope.setErrorHandler((error, request, reply) => {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === undefined && request.isMultipart() && !(error instanceof DomainError)) {
        const reason = error instanceof Error ? error.message : undefined;
        const text: ErrorText =
          reason === undefined
            ? (m) => m.problems.sharing.malformedMultipartUnreadable
            : (m) => m.problems.sharing.malformedMultipart(reason);
        return sendProblem(request, reply, new DomainError('invalid_request', text));
      }

      return sendProblem(request, reply, error);
    });

    scope.post('/api/v1/pocs/import', async (request) => {
      const query = parseInput(ImportQuery, request.query, 'query');
      const principal = requirePrincipal(request);
      const file = readImportFile(request);
      const options = {
        dryRun: query.dryRun === 'true',
        confirmDuplicates: query.confirmDuplicates === 'true',
      };
      const report = await importPocsCsv(ctx, principal, file, options, request.messages);
      if (!options.dryRun) {
        const { created, updated, unchanged } = report;
        const counts = { created, updated, unchanged };
        request.log.info({ userId: principal.accountId, ...counts }, 'pocs imported');
      }

      return report;
    });
  });
}
