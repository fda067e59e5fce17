import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';

import { toApiError, type ApiError } from './api.ts';

/** Data loaded from the API, with its error and a way to load it again. */
export interface Resource<T> {
  data: T | null;
  error: ApiError | null;
  reload: () => void;
  setData: (update: (current: T | null) => T | null) => void;
}

/**
 * Loads data when the component mounts and on every `reload()`. When loads overlap (a live
 * event during a slow load), only the newest result is kept, so an old reply never overwrites
 * a newer one.
 */
export function useResource<T>(load: () => Promise<T>): Resource<T> {
  const [data, setDataState] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const latestRequest = useRef(0);
  const loadRef = useRef(load);
  useLayoutEffect(() => {
    loadRef.current = load;
  });

  const reload = useCallback(() => {
    latestRequest.current += 1;
    const request = latestRequest.current;
    loadRef.current().then(
      (result) => {
        if (request !== latestRequest.current) return;
        setDataState(result);
        setError(null);
      },
      (caught: unknown) => {
        if (request === latestRequest.current) setError(toApiError(caught));
      },
    );
  }, []);

  useEffect(() => {
    reload();
  }, [reload]);

  return { data, error, reload, setData: setDataState };
}

/** Error and busy state of a form or button that sends one request at a time. */
export interface Submission {
  error: ApiError | null;
  setError: (error: ApiError | null) => void;
  isBusy: boolean;
  /** Clears the error and runs `action` while busy. What `action` throws becomes the error. */
  run: (action: () => Promise<void>) => Promise<void>;
}

/** Tracks the error and busy state of a form or button whose requests `run` sends. */
export function useSubmission(): Submission {
  const [error, setError] = useState<ApiError | null>(null);
  const [isBusy, setIsBusy] = useState(false);

  async function run(action: () => Promise<void>) {
    setIsBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setIsBusy(false);
    }
  }

  return { error, setError, isBusy, run };
}
