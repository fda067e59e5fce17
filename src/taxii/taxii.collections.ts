import type { Principal } from '../accounts/principal.ts';
import { DomainError, notFound } from '../shared/errors.ts';
import { STIX_MEDIA_TYPE } from './taxii.media.ts';

/** A TAXII collection and who may use it. */
export interface Collection {
  id: string;
  title: string;
  description: string;
  /** The only TLP level the collection holds, or null for every level the caller may read. */
  tlp: string | null;
  /** True when signed-in members may add objects to it. */
  isWritable: boolean;
}

/** A TAXII API root and its collections. */
export interface ApiRoot {
  name: string;
  title: string;
  description: string;
  /** True when only signed-in accounts may use the root. */
  requiresAccount: boolean;
  collections: Collection[];
}

/** Id of the collection of everything shared with members. */
export const MEMBERS_COLLECTION_ID = '5f0c8a9e-3b1d-4c7e-9a26-8d4b1e7f3c52';
/** Id of the public collection, which contains the TLP:CLEAR objects. */
export const PUBLIC_COLLECTION_ID = 'b7e2d4a1-6c3f-4e8b-8d15-2a9f7c0e4b63';

// TODO: offer one collection per sharing community, such as a state's own audience or a region.
// Today there is one member collection, so clients cannot subscribe to less than everything.
/** Every API root the server offers, by name. */
export const apiRoots: ReadonlyMap<string, ApiRoot> = new Map([
  [
    'members',
    {
      name: 'members',
      title: 'Parley members',
      description: 'Threat information shared between states, partners and the secretariat',
      requiresAccount: true,
      collections: [
        {
          id: MEMBERS_COLLECTION_ID,
          title: 'Shared with members',
          description: 'Every object you may read under TLP, and where members share new ones',
          tlp: null,
          isWritable: true,
        },
      ],
    },
  ],
  [
    'public',
    {
      name: 'public',
      title: 'Parley public',
      description: 'TLP:CLEAR threat information, readable without an account',
      requiresAccount: false,
      collections: [
        {
          id: PUBLIC_COLLECTION_ID,
          title: 'Public (TLP:CLEAR)',
          description: 'Every TLP:CLEAR object; read-only',
          tlp: 'clear',
          isWritable: false,
        },
      ],
    },
  ],
]);

/** Returns the API root, throwing 401 for the public on a root that needs an account. */
export function findApiRoot(name: string, principal: Principal | null): ApiRoot {
  const root = apiRoots.get(name);
  if (root === undefined) throw notFound('API root');
  if (root.requiresAccount && principal === null) {
    throw new DomainError('unauthenticated', 'This API root needs an e-mail and API token');
  }

  return root;
}

/** Returns a collection of a root, or throws `not_found`. */
export function findCollection(root: ApiRoot, id: string): Collection {
  const collection = root.collections.find((candidate) => candidate.id === id);
  if (collection === undefined) throw notFound('Collection');

  return collection;
}

/** Returns true when the caller may add objects; a partner's objects wait for moderation. */
export function canWrite(collection: Collection, principal: Principal | null): boolean {
  return collection.isWritable && principal !== null;
}

/** Builds the TAXII collection resource as the caller sees it. */
export function collectionResource(collection: Collection, principal: Principal | null) {
  return {
    id: collection.id,
    title: collection.title,
    description: collection.description,
    can_read: true,
    can_write: canWrite(collection, principal),
    media_types: [STIX_MEDIA_TYPE],
  };
}
