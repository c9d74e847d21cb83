import { connect } from 'node:net';
import { primaryAddress } from '../domain/addresses.js';
import type { HealthPolicy } from '../domain/health.js';
import type { MachineAddress } from '../domain/types.js';

type Probe = NonNullable<HealthPolicy['probe']>;

/** One HTTP GET (2xx/3xx is healthy) or TCP connect, bounded by the probe's timeout. */
export async function probeOnce(probe: Probe, host: string, port: number): Promise<boolean> {
  if (probe.kind === 'http') {
    try {
      const res = await fetch(`http://${host}:${port}${probe.path}`, { signal: AbortSignal.timeout(probe.timeoutMs) });
      await res.body?.cancel();
      return res.status < 400;
    } catch {
      return false;
    }
  }
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: probe.timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/**
 * Probes run beside the tick, never inside it: a slow machine must not slow the controller.
 * Each tick starts the next round and reads the last finished one.
 */
export class ProbeResults {
  private readonly consecutive = new Map<string, number>();
  private readonly running = new Set<string>();

  failures(id: string): number {
    return this.consecutive.get(id) ?? 0;
  }

  kick(targets: readonly { id: string; addresses: readonly MachineAddress[] }[], probe: Probe): void {
    for (const t of targets) {
      const address = primaryAddress(t.addresses);
      if (!address || this.running.has(t.id)) continue;
      const [host, portText] = splitAddress(address);
      const port = probe.port ?? Number(portText);
      if (!host || !Number.isInteger(port) || port <= 0) continue;
      this.running.add(t.id);
      void probeOnce(probe, host, port).then((ok) => {
        this.running.delete(t.id);
        this.consecutive.set(t.id, ok ? 0 : this.failures(t.id) + 1);
      });
    }
  }

  forget(id: string): void {
    this.consecutive.delete(id);
  }
}

function splitAddress(address: string): [string, string | undefined] {
  const i = address.lastIndexOf(':');
  return i < 0 ? [address, undefined] : [address.slice(0, i), address.slice(i + 1)];
}
