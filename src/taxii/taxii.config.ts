import { z } from 'zod';

import { parseInput } from '../shared/validation.ts';

/** Limits of the TAXII server, read from the environment. */
export interface TaxiiOptions {
  /** Largest POST body accepted, in bytes; advertised as the API roots' `max_content_length`. */
  maxContentLength: number;
  /** Objects per page when the request gives no `limit`. */
  pageSize: number;
  /** Largest page returned whatever `limit` the request gives. */
  maxPageSize: number;
}

const TaxiiEnvSchema = z
  .object({
    TAXII_MAX_CONTENT_LENGTH: z.coerce
      .number()
      .int()
      .min(1024)
      .default(10 * 1024 * 1024),
    TAXII_PAGE_SIZE: z.coerce.number().int().min(1).default(100),
    TAXII_MAX_PAGE_SIZE: z.coerce.number().int().min(1).default(1000),
  })
  .refine((env) => env.TAXII_PAGE_SIZE <= env.TAXII_MAX_PAGE_SIZE, {
    error: 'TAXII_PAGE_SIZE must not exceed TAXII_MAX_PAGE_SIZE',
  });

/** Reads the TAXII limits from environment variables, with the defaults above. */
export function loadTaxiiOptions(env: NodeJS.ProcessEnv = process.env): TaxiiOptions {
  const raw = parseInput(TaxiiEnvSchema, env, 'environment');

  return {
    maxContentLength: raw.TAXII_MAX_CONTENT_LENGTH,
    pageSize: raw.TAXII_PAGE_SIZE,
    maxPageSize: raw.TAXII_MAX_PAGE_SIZE,
  };
}
