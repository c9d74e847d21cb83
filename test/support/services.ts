import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import pg from 'pg';
import { describe, it } from 'vitest';

/**
 * Suites that need an outside service (PostgreSQL, Redis, RabbitMQ). Off CI, an unreachable
 * service skips its suite with a loud banner; with `CI=true` it is a failing test, so a
 * pipeline can never go green without having run them.
 */
export interface Service {
  name: string;
  host: string;
  port: number;
  /** True when the service answered its protocol's hello. */
  probe(): Promise<boolean>;
}

// Generous: a refused port answers at once, and a loaded Keystone (Python under uwsgi) can take seconds.
const PROBE_TIMEOUT_MS = 5_000;

export function postgresUrl(): string {
  return process.env.FLOTTE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
}

export function postgresService(url = postgresUrl()): Service {
  const { hostname, port } = new URL(url);
  const host = hostname || '127.0.0.1';
  const p = Number(port || 5432);
  // SSLRequest: any PostgreSQL server answers it with one byte, 'S' or 'N'.
  const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
  return { name: 'PostgreSQL', host, port: p, probe: () => tcpProbe(host, p, sslRequest, (b) => b[0] === 0x53 || b[0] === 0x4e) };
}

export function redisService(host = '127.0.0.1', port = 6379): Service {
  // `-NOAUTH …` still proves a Redis is listening.
  const ok = (b: Buffer): boolean => b.toString('latin1').startsWith('+PONG') || b.toString('latin1').startsWith('-');
  return { name: 'Redis', host, port, probe: () => tcpProbe(host, port, Buffer.from('PING\r\n'), ok) };
}

export function rabbitmqService(host = '127.0.0.1', port = 5672): Service {
  // AMQP 0-9-1 protocol header; the broker replies with a method frame (type 1): connection.start.
  const header = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]);
  return { name: 'RabbitMQ', host, port, probe: () => tcpProbe(host, port, header, (b) => b[0] === 1) };
}

/** Keystone (or any OpenStack API): an HTTP answer on its port is enough; auth is the suite's business. */
export function keystoneService(authUrl = 'http://127.0.0.1:5000/v3'): Service {
  const { hostname, port } = new URL(authUrl);
  const p = Number(port || 5000);
  const get = Buffer.from(`GET /v3 HTTP/1.0\r\nHost: ${hostname}\r\n\r\n`);
  return { name: 'OpenStack Keystone', host: hostname, port: p, probe: () => tcpProbe(hostname, p, get, (b) => b.toString('latin1').startsWith('HTTP/')) };
}

/** Connects, sends `hello`, and judges the first bytes back; false on refusal, timeout or a wrong answer. */
export function tcpProbe(host: string, port: number, hello: Buffer, accept: (first: Buffer) => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write(hello));
    socket.once('data', (data: Buffer) => done(accept(data)));
    socket.once('end', () => done(false));
  });
}

export function inCi(): boolean {
  return process.env.CI === 'true';
}

/**
 * `FLOTTE_TEST_SERVICES=off` leaves out every suite that needs an outside service, skipped and not
 * failed even with `CI=true`: CI runs the service-free suites alone on an extra Node version.
 */
export function servicesOff(): boolean {
  return process.env.FLOTTE_TEST_SERVICES === 'off';
}

/**
 * `describe` for a suite that needs `service`. Await it at the top of the test file:
 * `await serviceSuite(postgresService(), 'store on PostgreSQL', () => { … })`.
 */
export async function serviceSuite(service: Service, title: string, body: () => void): Promise<void> {
  if (servicesOff()) {
    console.warn(`!!  SKIPPED (FLOTTE_TEST_SERVICES=off): ${service.name} suite "${title}"`);
    describe.skip(title, body);
    return;
  }
  const up = await service.probe();
  const where = `${service.host}:${service.port}`;
  if (!up && inCi()) {
    describe(title, () => {
      it(`needs ${service.name} at ${where}`, () => {
        throw new Error(`${service.name} unreachable at ${where}, and CI=true forbids skipping "${title}"`);
      });
    });
    return;
  }
  if (!up) {
    const line = '!'.repeat(72);
    console.warn(`\n${line}\n!!  SKIPPED: ${service.name} suite "${title}" — ${where} unreachable\n!!  (with CI=true this is a failure)\n${line}\n`);
  }
  describe.runIf(up)(title, body);
}

/** A fresh, uniquely named PostgreSQL schema for one test (or file), and a way to drop it. */
export interface PgSchema {
  schema: string;
  /** The server URL with `?schema=`, as `openStore` reads it. */
  url: string;
  drop(): Promise<void>;
}

export function freshPgSchema(baseUrl = postgresUrl()): PgSchema {
  const schema = `flotte_test_${randomBytes(6).toString('hex')}`;
  const url = new URL(baseUrl);
  url.searchParams.set('schema', schema);
  return {
    schema,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
