import type { Provider } from '../providers/provider.js';
import type { Store } from '../store/store.js';

/** Thrown into a controller whose process the campaign has killed. */
export class Crashed extends Error {
  constructor() {
    super('the controller process was killed (injected crash)');
    this.name = 'Crashed';
  }
}

/** Thrown by store writes while the store-write-failure fault lasts. */
export class WriteRefused extends Error {
  constructor(method: string) {
    super(`SQLITE_IOERR_WRITE: ${method} refused (injected store write failure)`);
    this.name = 'WriteRefused';
  }
}

const WRITES = /^(save|create|set|append|update|change|delete|record|apply|prune|revoke)/;

/**
 * One life of a controller process. Everything it touches (store, cloud) goes through it, so a
 * crash can fall between any two of its calls: once dead, every later call of that life
 * fails, as nothing of a killed process reaches the outside world.
 */
export class Incarnation {
  dead = false;
  /** Calls left before the crash, when one is armed. */
  private crashIn: number | undefined;

  constructor(private readonly writesFail: () => boolean) {}

  armCrash(afterCalls: number): void {
    this.crashIn = Math.max(1, afterCalls);
  }

  /** A crash is armed and has not fallen yet: another one must wait for the next life, or it would replace this one. */
  get armed(): boolean {
    return !this.dead && this.crashIn !== undefined && this.crashIn > 0;
  }

  private pass(): void {
    if (this.dead) throw new Crashed();
    if (this.crashIn !== undefined && --this.crashIn <= 0) {
      this.dead = true;
      throw new Crashed();
    }
  }

  /** The store as this life sees it: crash point and injected write failures in front of every call. */
  store(inner: Store): Store {
    return new Proxy(inner, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        return (...args: unknown[]) => {
          try {
            this.pass();
            if (this.writesFail() && WRITES.test(prop)) throw new WriteRefused(prop);
          } catch (e) {
            return Promise.reject(e as Error);
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  /** The cloud as this life sees it. */
  provider(inner: Provider): Provider {
    const gate = async <T>(call: () => Promise<T>): Promise<T> => {
      this.pass();
      return call();
    };
    return {
      name: inner.name,
      limits: inner.limits,
      capabilities: inner.capabilities,
      launch: (req, signal) => gate(() => inner.launch(req, signal)),
      terminate: (ids, signal) => gate(() => inner.terminate(ids, signal)),
      reboot: (ids, o, signal) => gate(() => inner.reboot(ids, o, signal)),
      stop: (ids, signal) => gate(() => inner.stop(ids, signal)),
      start: (ids, signal) => gate(() => inner.start(ids, signal)),
      list: (f, signal) => gate(() => inner.list(f, signal)),
    };
  }
}
