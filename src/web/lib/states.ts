/** Machine states in the order the dashboard lists them, each with its colour variable. */
export const STATES = ['ready', 'requested', 'launching', 'booting', 'rebooting', 'unhealthy', 'draining', 'terminating', 'stopped', 'gone'] as const;
export type State = (typeof STATES)[number];

const VAR: Record<State, string> = {
  ready: '--ready',
  requested: '--booting',
  launching: '--booting',
  booting: '--booting',
  rebooting: '--rebooting',
  unhealthy: '--unhealthy',
  draining: '--draining',
  terminating: '--terminating',
  stopped: '--stopped',
  gone: '--gone',
};

/** The CSS colour of a state, read once per call from the active theme. */
export function stateColors(): Record<State, string> {
  const css = getComputedStyle(document.documentElement);
  return Object.fromEntries(STATES.map((s) => [s, css.getPropertyValue(VAR[s]).trim() || '#888'])) as Record<State, string>;
}

export const stateVar = (s: string): string => `var(${VAR[s as State] ?? '--muted'})`;
