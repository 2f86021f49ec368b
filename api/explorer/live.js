// Keeping the page honest about the mirror: "indexed up to block N", live through the API's
// server-sent events, with /health polling whenever the event stream is missing or broken.

import { getJSON } from './api.js';

const STREAM = '/events/stream';
const POLL_FAST = 3000; // without the event stream
const POLL_SLOW = 15000; // with it, only for the chain head and lag

/** The indexed block an `indexed` event carries: a bare number or an object naming it. */
function blockOf(data) {
  if (typeof data === 'number') return data;
  return data?.indexed_block ?? data?.block ?? data?.last_block ?? null;
}

/**
 * Start watching; `onChange({indexed, head, lag, mode, error})` is called on every change.
 * `mode` is `live` while the event stream is open, `polling` otherwise. Returns a stop function.
 */
export function watchIndexing(onChange) {
  const state = { indexed: null, head: null, lag: null, mode: 'polling', error: null };
  let timer = null;
  let source = null;

  const emit = () => onChange({ ...state });

  async function poll() {
    try {
      const health = await getJSON('/health');
      state.error = null;
      state.head = health.chain_head;
      state.lag = health.lag;
      if (health.indexed_block !== null && health.indexed_block !== undefined) {
        state.indexed = Math.max(state.indexed ?? 0, health.indexed_block);
      }
    } catch (error) {
      state.error = error.message;
    }
    emit();
  }

  function schedule(interval) {
    clearInterval(timer);
    timer = setInterval(poll, interval);
  }

  function onIndexed(event) {
    let data = null;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    const block = blockOf(data);
    if (block === null) return;
    state.indexed = Math.max(state.indexed ?? 0, block);
    if (state.head !== null) {
      state.head = Math.max(state.head, block);
      state.lag = state.head - state.indexed;
    }
    emit();
  }

  if ('EventSource' in window) {
    source = new EventSource(STREAM);
    source.addEventListener('indexed', onIndexed);
    source.addEventListener('open', () => {
      state.mode = 'live';
      schedule(POLL_SLOW);
      emit();
    });
    source.addEventListener('error', () => {
      // The browser reconnects by itself unless the stream is gone for good (closed);
      // either way polling carries the line until the stream is open again.
      state.mode = 'polling';
      schedule(POLL_FAST);
      emit();
    });
  }
  poll();
  schedule(POLL_FAST);
  return () => {
    clearInterval(timer);
    source?.close();
  };
}
