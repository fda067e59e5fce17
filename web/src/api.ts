import type { z } from 'zod';

import { messages } from './messages.ts';
import { Problem } from './schemas.ts';

/** One invalid input field named by the API, for example `phone`. */
export interface FieldError {
  field: string;
  message: string;
}

/** A failed API call, carrying the problem document's `detail` and per-field messages. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: FieldError[];

  constructor(status: number, code: string, detail: string, fieldErrors: FieldError[] = []) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fieldErrors = fieldErrors;
  }
}

/** Builds the error of a form whose own checks failed before anything was sent (status 0). */
export function formCheckError(fieldErrors: FieldError[]): ApiError {
  return new ApiError(0, 'validation_failed', messages.errors.checkFields, fieldErrors);
}

/** One API call. `body` is sent as JSON unless it is a string, which is sent as given. */
export interface ApiRequest<S extends z.ZodType> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** Schema of the reply body; omit it for replies without one (204). */
  schema?: S;
  /** CSRF token of the session, sent on every unsafe method. */
  csrfToken?: string | null;
  /** Entity tag sent as `If-Match`, so the change applies only to the version that was read. */
  ifMatch?: string;
}

/** Returns the sign-in URL that brings the browser back to the current workspace page. */
export function signInUrl(): string {
  const next = window.location.pathname + window.location.search;

  return `/signin?next=${encodeURIComponent(next)}`;
}

async function readProblem(response: Response): Promise<ApiError> {
  const fallback = new ApiError(
    response.status,
    'http_error',
    messages.errors.requestFailed(response.status),
  );
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return fallback;

  const parsed = Problem.safeParse(await response.json().catch(() => null));
  if (!parsed.success) return fallback;

  return new ApiError(
    response.status,
    parsed.data.code,
    parsed.data.detail,
    parsed.data.errors ?? [],
  );
}

/**
 * Sends a request to the JSON API with the session cookie and returns the reply body checked
 * against `schema`. Throws `ApiError` for every failure. A 401 also sends the browser to the
 * sign-in page, because the session has ended.
 */
export async function callApi<S extends z.ZodType>(request: ApiRequest<S>): Promise<z.output<S>> {
  const method = request.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && request.csrfToken != null) headers['x-csrf-token'] = request.csrfToken;
  if (request.ifMatch !== undefined) headers['if-match'] = request.ifMatch;

  let body: string | undefined;
  if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  }

  let response: Response;
  try {
    response = await fetch(request.path, { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network_error', messages.errors.network);
  }

  if (response.status === 401) {
    window.location.assign(signInUrl());
    throw new ApiError(401, 'unauthenticated', messages.errors.sessionExpired);
  }
  if (!response.ok) throw await readProblem(response);
  if (request.schema === undefined) return undefined as z.output<S>;

  const parsed = request.schema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) {
    throw new ApiError(response.status, 'unexpected_response', messages.errors.unexpectedResponse);
  }

  return parsed.data;
}

/** The first items of a paginated list, and whether the server has more. */
export interface LoadedPages<T> {
  items: T[];
  hasMore: boolean;
}

/** Largest page the API serves. */
const MAX_PAGE = 500;

/**
 * Loads at least the first `wanted` items of a list that the API pages with `limit`, `cursor`
 * and `next`, following cursors until it has them or the list ends.
 */
export async function loadPages<S extends z.ZodType, T>(
  path: string,
  schema: S,
  itemsOf: (page: z.output<S>) => { items: T[]; next: string | null },
  wanted: number,
): Promise<LoadedPages<T>> {
  const items: T[] = [];
  const separator = path.includes('?') ? '&' : '?';
  let cursor: string | null = null;
  do {
    const limit = Math.min(MAX_PAGE, Math.max(1, wanted - items.length));
    const query =
      `limit=${limit}` + (cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`);
    const page = itemsOf(await callApi({ path: `${path}${separator}${query}`, schema }));
    items.push(...page.items);
    cursor = page.next;
  } while (cursor !== null && items.length < wanted);

  return { items, hasMore: cursor !== null };
}

/** Converts anything a page caught into an `ApiError`, so the page can show its detail. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;

  return new ApiError(0, 'client_error', error instanceof Error ? error.message : String(error));
}
