/**
 * A small TAXII 2.1 client written from the OASIS TAXII 2.1 specification, used by tests to
 * check that the server works for a client that knows nothing about Parley.
 */

/** Media type every TAXII 2.1 request accepts and every POST sends. */
export const TAXII_21 = 'application/taxii+json;version=2.1';

/** The discovery resource. */
export interface Discovery {
  title: string;
  default?: string;
  api_roots?: string[];
}

/** A collection resource. */
export interface CollectionInfo {
  id: string;
  title: string;
  can_read: boolean;
  can_write: boolean;
  media_types?: string[];
}

/** An envelope of objects. */
export interface TaxiiEnvelope {
  more?: boolean;
  next?: string;
  objects?: Record<string, unknown>[];
}

/** A status resource. */
export interface TaxiiStatus {
  id: string;
  status: 'pending' | 'complete';
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: number;
  failures?: { id: string; version: string; message?: string }[];
}

/** A failed TAXII request, with the error resource the server returned. */
export class TaxiiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`TAXII request failed with HTTP ${status}: ${body.slice(0, 300)}`);
    this.name = 'TaxiiRequestError';
  }
}

/** A TAXII 2.1 client for one server, authenticating with HTTP Basic. */
export class TaxiiClient {
  private readonly authorization: string;

  constructor(
    private readonly discoveryUrl: string,
    user: string,
    password: string,
  ) {
    this.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  private async request<T>(method: string, url: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      accept: TAXII_21,
      authorization: this.authorization,
    };
    if (body !== undefined) headers['content-type'] = TAXII_21;
    const response = await fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new TaxiiRequestError(response.status, text);
    const type = response.headers.get('content-type');
    if (type !== TAXII_21) throw new Error(`Unexpected Content-Type ${String(type)} from ${url}`);

    return JSON.parse(text) as T;
  }

  /** Reads the discovery resource. */
  discover(): Promise<Discovery> {
    return this.request('GET', this.discoveryUrl);
  }

  /** Lists the collections of an API root URL (ending in `/`). */
  async collections(apiRoot: string): Promise<CollectionInfo[]> {
    const body = await this.request<{ collections?: CollectionInfo[] }>(
      'GET',
      `${apiRoot}collections/`,
    );

    return body.collections ?? [];
  }

  /** Reads one page of objects; `filters` are query parameters such as `match[type]`. */
  objects(
    apiRoot: string,
    collectionId: string,
    filters: Record<string, string> = {},
  ): Promise<TaxiiEnvelope> {
    const query = new URLSearchParams(filters).toString();
    const url = `${apiRoot}collections/${collectionId}/objects/${query === '' ? '' : `?${query}`}`;

    return this.request('GET', url);
  }

  /** Reads every page of objects by following `next` while `more` is true. */
  async allObjects(
    apiRoot: string,
    collectionId: string,
    filters: Record<string, string> = {},
  ): Promise<Record<string, unknown>[]> {
    const objects: Record<string, unknown>[] = [];
    let next: string | undefined;
    do {
      const page = await this.objects(apiRoot, collectionId, {
        ...filters,
        ...(next === undefined ? {} : { next }),
      });
      objects.push(...(page.objects ?? []));
      next = page.more === true ? page.next : undefined;
    } while (next !== undefined);

    return objects;
  }

  /** Posts an envelope of objects and returns the status resource. */
  addObjects(
    apiRoot: string,
    collectionId: string,
    objects: Record<string, unknown>[],
  ): Promise<TaxiiStatus> {
    return this.request('POST', `${apiRoot}collections/${collectionId}/objects/`, { objects });
  }

  /** Reads a status resource. */
  status(apiRoot: string, statusId: string): Promise<TaxiiStatus> {
    return this.request('GET', `${apiRoot}status/${statusId}/`);
  }

  /** Polls a status until it is complete or `attempts` run out. */
  async waitForStatus(apiRoot: string, statusId: string, attempts = 20): Promise<TaxiiStatus> {
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      const status = await this.status(apiRoot, statusId);
      if (status.status === 'complete') return status;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Status ${statusId} did not complete after ${attempts} polls`);
  }
}
