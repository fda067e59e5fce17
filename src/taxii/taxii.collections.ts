import type { Kysely } from 'kysely';

import type { Principal } from '../accounts/principal.ts';
import {
  findCollectionCommunity,
  listCollectionCommunities,
  type CommunityAccess,
} from '../communities/community-access.ts';
import type { Tables } from '../db/schema.ts';
import { DomainError, notFound } from '../shared/errors.ts';
import { STIX_MEDIA_TYPE } from './taxii.media.ts';

/** A fixed collection of an API root. */
interface FixedCollection {
  id: string;
  title: string;
  description: string;
  /** The only TLP level the collection holds, or null for every level the caller may read. */
  tlp: string | null;
  /** True when signed-in accounts may add objects to it. */
  isWritable: boolean;
}

/** A TAXII collection as one caller sees it. */
export interface Collection {
  id: string;
  title: string;
  description: string;
  /** The only TLP level the collection holds, or null for every level the caller may read. */
  tlp: string | null;
  /** The community whose shared versions the collection holds, or null. */
  communityId: string | null;
  /** True when the caller may read its objects. */
  canRead: boolean;
  /** True when the caller may add objects; a partner's objects wait for moderation. */
  canWrite: boolean;
}

/** A TAXII API root and its fixed collections. */
export interface ApiRoot {
  name: string;
  title: string;
  description: string;
  /** True when only signed-in accounts may use the root. */
  requiresAccount: boolean;
  /** True when each sharing community is a collection of this root. */
  hasCommunities: boolean;
  collections: FixedCollection[];
}

/** Id of the collection of everything shared with members. */
export const MEMBERS_COLLECTION_ID = '5f0c8a9e-3b1d-4c7e-9a26-8d4b1e7f3c52';
/** Id of the public collection, which contains the TLP:CLEAR objects. */
export const PUBLIC_COLLECTION_ID = 'b7e2d4a1-6c3f-4e8b-8d15-2a9f7c0e4b63';

/** Every API root the server offers, by name. */
export const apiRoots: ReadonlyMap<string, ApiRoot> = new Map([
  [
    'members',
    {
      name: 'members',
      title: 'Parley members',
      description: 'Threat information shared between states, partners and the secretariat',
      requiresAccount: true,
      hasCommunities: true,
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
      hasCommunities: false,
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
  if (root === undefined) throw notFound((m) => m.problems.taxii.apiRootNotFound);
  if (root.requiresAccount && principal === null) {
    throw new DomainError('unauthenticated', (m) => m.problems.taxii.apiRootNeedsAccount);
  }

  return root;
}

function fromFixed(collection: FixedCollection, principal: Principal | null): Collection {
  return {
    id: collection.id,
    title: collection.title,
    description: collection.description,
    tlp: collection.tlp,
    communityId: null,
    canRead: true,
    canWrite: collection.isWritable && principal !== null,
  };
}

/**
 * A community's collection: its members read and add what was shared into it. The secretariat
 * sees it listed, to manage it, but reads none of it unless it is a member.
 */
function fromCommunity({ community, isMember }: CommunityAccess): Collection {
  const description = community.description === '' ? null : community.description;

  return {
    id: community.id,
    title: community.name,
    description: description ?? `Shared with the members of ${community.name} only`,
    tlp: null,
    communityId: community.id,
    canRead: isMember,
    canWrite: isMember,
  };
}

/** Lists the collections of a root that the caller sees: the fixed ones, then its communities. */
export async function listCollections(
  db: Kysely<Tables>,
  root: ApiRoot,
  principal: Principal | null,
): Promise<Collection[]> {
  const fixed = root.collections.map((collection) => fromFixed(collection, principal));
  if (!root.hasCommunities) return fixed;

  const communities = await listCollectionCommunities(db, principal);

  return [...fixed, ...communities.map(fromCommunity)];
}

/**
 * Returns a collection of a root as the caller sees it. A community the caller may not see is
 * `not_found`, exactly as an unknown id.
 */
export async function findCollection(
  db: Kysely<Tables>,
  root: ApiRoot,
  principal: Principal | null,
  id: string,
): Promise<Collection> {
  const fixed = root.collections.find((candidate) => candidate.id === id);
  if (fixed !== undefined) return fromFixed(fixed, principal);

  const community = root.hasCommunities
    ? await findCollectionCommunity(db, principal, id)
    : undefined;
  if (community === undefined) throw notFound((m) => m.problems.taxii.collectionNotFound);

  return fromCommunity(community);
}

/** Throws `forbidden` unless the caller may read the collection's objects (TAXII 2.1 §5.3). */
export function assertCanRead(collection: Collection): void {
  if (!collection.canRead) {
    throw new DomainError('forbidden', (m) => m.problems.taxii.membersOnlyRead);
  }
}

/** Builds the TAXII collection resource as the caller sees it. */
export function collectionResource(collection: Collection) {
  return {
    id: collection.id,
    title: collection.title,
    description: collection.description,
    can_read: collection.canRead,
    can_write: collection.canWrite,
    media_types: [STIX_MEDIA_TYPE],
  };
}
