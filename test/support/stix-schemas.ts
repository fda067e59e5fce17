import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** The shared data folder that sits beside the repository (`../shared/data`). */
export const sharedDataDir = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

/** Returns the path of a file under the shared data folder. */
export function sharedDataPath(...parts: string[]): string {
  return join(sharedDataDir, ...parts);
}

/** Returns true when the shared data folder is present; tests that need it skip otherwise. */
export function hasSharedData(): boolean {
  return existsSync(sharedDataDir);
}

/** Checks STIX objects against the official STIX 2.1 JSON schemas. */
export interface StixSchemaValidator {
  /** Returns the schema errors of one object, empty when it is valid. */
  validate(object: Record<string, unknown>): string[];
}

const SCHEMA_FOLDERS = ['common', 'sdos', 'sros', 'observables'] as const;

/**
 * Loads every STIX 2.1 schema into one Ajv 2020 instance, so that relative `$ref`s resolve.
 * Standard types are checked against their own schema; other (custom) types against
 * `common/core.json` alone, because `bundle.json` rejects them through its `oneOf`.
 */
export async function loadStixSchemas(): Promise<StixSchemaValidator> {
  const root = sharedDataPath('stix2-json-schemas', 'schemas');
  // The schemas use patterns Ajv cannot compile with the `u` flag, and keywords strict mode rejects.
  const ajv = new Ajv2020({ unicodeRegExp: false, strict: false, allErrors: true });
  addFormats.default(ajv);

  const idsByType = new Map<string, string>();
  for (const folder of SCHEMA_FOLDERS) {
    for (const file of await readdir(join(root, folder))) {
      if (!file.endsWith('.json')) continue;
      const schema = JSON.parse(await readFile(join(root, folder, file), 'utf8')) as {
        $id: string;
      };
      ajv.addSchema(schema);
      idsByType.set(file.replace(/\.json$/, ''), schema.$id);
    }
  }
  const coreId = idsByType.get('core');
  if (coreId === undefined) throw new Error(`No common/core.json under ${root}`);
  const commonOnly = new Set(['core', 'bundle', 'cyber-observable-core', 'properties']);

  return {
    validate(object) {
      const type = typeof object.type === 'string' ? object.type : '';
      const known = commonOnly.has(type) ? undefined : idsByType.get(type);
      const check = ajv.getSchema(known ?? coreId);
      if (check === undefined) throw new Error(`Schema ${known ?? coreId} did not compile`);
      if (check(object)) return [];

      return (check.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
    },
  };
}
