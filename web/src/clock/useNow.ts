import { useSyncExternalStore } from "react";

/**
 * One clock for every countdown on the page: a single interval, started by the first subscriber and
 * stopped with the last, so a table of 10,000 rows still ticks once a second.
 */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function tick() {
  now = Date.now();
  for (const listener of listeners) listener();
}

/** Subscribes to the shared clock's ticks (for hooks that derive something coarser than "now"). */
export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(tick, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** How many intervals the clock runs (for tests: it must be one however many rows subscribe). */
export const clockTimers = () => (timer ? 1 : 0);

/** The shared "now" in milliseconds, re-rendering once a second. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

/**
 * `derive(now)`, re-rendering only when its value changes: a cell that shows "in 3 months" is
 * asked every second but rendered again only when its text moves, so 10,000 rows cost 10,000
 * cheap calls a second and a handful of renders.
 */
export function useClockDerived<T extends string | number | boolean>(
  derive: (now: number) => T,
): T {
  return useSyncExternalStore(subscribe, () => derive(now));
}
