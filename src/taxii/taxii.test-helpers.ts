import { randomUUID } from 'node:crypto';

import type { LightMyRequestResponse } from 'fastify';

import type { TestApp } from '../../test/support/test-app.ts';
import { MEMBERS_COLLECTION_ID, PUBLIC_COLLECTION_ID } from './taxii.collections.ts';
import { TAXII_MEDIA_TYPE } from './taxii.media.ts';

/** A STIX object as tests build and read it. */
export type StixObject = Record<string, unknown>;

/** Path of the members collection. */
export const MEMBERS = `/taxii2/members/collections/${MEMBERS_COLLECTION_ID}`;
/** Path of the public collection. */
export const PUBLIC = `/taxii2/public/collections/${PUBLIC_COLLECTION_ID}`;

/** The TAXII envelope of an objects or object response. */
export interface Envelope {
  more: boolean;
  next?: string;
  objects?: StixObject[];
}

/** Builds a valid indicator with a fresh id; `overrides` replace properties. */
export function indicator(overrides: StixObject = {}): StixObject {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: '2024-03-05T08:15:30.000Z',
    modified: '2024-03-05T08:15:30.000Z',
    pattern: "[ipv4-addr:value = '203.0.113.9']",
    pattern_type: 'stix',
    valid_from: '2024-03-05T08:15:30Z',
    ...overrides,
  };
}

/** Sends a TAXII GET with the TAXII Accept header. */
export function taxiiGet(t: TestApp, url: string, token?: string): Promise<LightMyRequestResponse> {
  return t.request({
    method: 'GET',
    url,
    headers: { accept: TAXII_MEDIA_TYPE },
    ...(token === undefined ? {} : { token }),
  });
}

/** Posts an envelope of objects to a collection. */
export function taxiiPost(
  t: TestApp,
  token: string,
  objects: unknown[],
  collection = MEMBERS,
): Promise<LightMyRequestResponse> {
  return t.request({
    method: 'POST',
    url: `${collection}/objects/`,
    token,
    headers: { accept: TAXII_MEDIA_TYPE, 'content-type': TAXII_MEDIA_TYPE },
    payload: JSON.stringify({ objects }),
  });
}

/** Reads every page of a list endpoint by following `next`, returning the objects in order. */
export async function pageAll(
  t: TestApp,
  url: string,
  token?: string,
): Promise<{ objects: StixObject[]; pages: number }> {
  const objects: StixObject[] = [];
  let next: string | undefined;
  let pages = 0;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const pageUrl = next === undefined ? url : `${url}${separator}next=${encodeURIComponent(next)}`;
    const res = await taxiiGet(t, pageUrl, token);
    if (res.statusCode !== 200) throw new Error(`GET ${pageUrl}: ${res.statusCode} ${res.body}`);
    const envelope = res.json<Envelope>();
    objects.push(...(envelope.objects ?? []));
    next = envelope.more ? envelope.next : undefined;
    pages += 1;
  } while (next !== undefined);

  return { objects, pages };
}
