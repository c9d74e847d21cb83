import type { MachineAddress } from './types.js';

/**
 * The order in which an address is the one to connect to: the machine's own network first
 * (controller and developers usually sit inside the cloud's network, over VPN or a bastion),
 * then addresses reachable from outside, then names, which need a resolver that knows them.
 */
const RANK: Record<MachineAddress['kind'], number> = { private: 0, fixed: 0, local: 0, public: 1, floating: 1, dns: 2 };

/** The address to connect to, or undefined while the provider reports none. Ties keep the provider's order. */
export function primaryAddress(addresses: readonly MachineAddress[]): string | undefined {
  let best: MachineAddress | undefined;
  for (const a of addresses) if (!best || RANK[a.kind] < RANK[best.kind]) best = a;
  return best?.value;
}

/** Whether two lists hold the same addresses in the same order (providers list them stably). */
export function sameAddresses(a: readonly MachineAddress[], b: readonly MachineAddress[]): boolean {
  return a.length === b.length && a.every((x, i) => x.kind === b[i]!.kind && x.value === b[i]!.value && x.network === b[i]!.network);
}
