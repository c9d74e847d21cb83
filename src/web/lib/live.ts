import type { FleetEvent } from './api.js';

type Listener = (events: readonly FleetEvent[]) => void;
const listeners = new Set<Listener>();

/**
 * The live stream, shared: the app publishes each batch of events as it arrives and pages that
 * keep their own view current (a pool's machine map) subscribe, instead of refetching everything.
 */
export function subscribeLive(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function publishLive(events: readonly FleetEvent[]): void {
  for (const fn of listeners) fn(events);
}

/**
 * Collects events and hands them over at most once a frame: a burst of thousands (a restart of
 * 2,000 machines) becomes a few renders, not one per event. A hidden tab has no frames, so a
 * timer stands in there.
 */
export function frameBatcher<T>(flush: (items: T[]) => void): (item: T) => void {
  let batch: T[] = [];
  const run = () => {
    const items = batch;
    batch = [];
    flush(items);
  };
  return (item) => {
    if (batch.push(item) > 1) return;
    if (document.visibilityState === 'visible') requestAnimationFrame(run);
    else window.setTimeout(run, 250);
  };
}
