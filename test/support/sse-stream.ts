import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

/** One SSE event as a test client received it. */
export interface Frame {
  id: string | null;
  event: string | null;
  data: string | null;
}

function parseBlock(block: string): Frame {
  const frame: Frame = { id: null, event: null, data: null };
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const field = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') frame.id = value;
    if (field === 'event') frame.event = value;
    if (field === 'data') frame.data = value;
  }

  return frame;
}

/** Opens an SSE stream over a real socket and collects its events in `frames` as they arrive. */
export async function openStream(
  baseUrl: string,
  token: string | null,
  headers: Record<string, string> = {},
  query = '',
) {
  const controller = new AbortController();
  const auth: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  const res = await fetch(`${baseUrl}/api/v1/events${query}`, {
    headers: { ...auth, ...headers },
    signal: controller.signal,
  });
  const frames: Frame[] = [];
  // Set when the server ends the stream, so a test can wait for the end.
  const state = { isEnded: false };
  if (res.body !== null && res.status === 200) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) {
            state.isEnded = true;
            return;
          }
          buffer += decoder.decode(value, { stream: true });
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const frame = parseBlock(buffer.slice(0, end));
            if (frame.event !== null) frames.push(frame);
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // The test aborted the stream.
      }
    })();
  }

  return {
    res,
    frames,
    async waitFor(count: number, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (frames.length < count && Date.now() < deadline) await sleep(10);
      assert.ok(frames.length >= count, `expected ${count} events, got ${frames.length}`);
    },
    /** Returns true when the server ended the stream within `timeoutMs`. */
    async waitForEnd(timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (!state.isEnded && Date.now() < deadline) await sleep(10);

      return state.isEnded;
    },
    close() {
      controller.abort();
    },
  };
}
