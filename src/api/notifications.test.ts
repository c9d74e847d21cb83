import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_YAML, fixture, send, type Fixture } from '../../test/support/route-examples.js';
import { parseConfig } from '../config/load.js';
import type { DeliveryList, TestDelivery } from './contract/index.js';

let fx: Fixture | undefined;
let server: Server | undefined;
afterEach(async () => {
  await fx?.close();
  server?.closeAllConnections();
  server?.close();
  fx = server = undefined;
});

describe('notifications through the API', () => {
  it("test sends one signed delivery now and returns the receiver's answer; the log and the dead list read the outbox", async () => {
    const got: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push({ headers: req.headers, body });
        res.writeHead(202, { 'content-type': 'text/plain' }).end('queued by pager');
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const keyFile = join(mkdtempSync(join(tmpdir(), 'flotte-notify-')), 'oncall.key');
    writeFileSync(keyFile, 'k-7d1e\n', { mode: 0o600 });

    fx = await fixture();
    const yaml = FIXTURE_YAML.replace(/oncall: \{.*\}/, `oncall: { url: '${url}', secretFile: ${keyFile}, events: [HealingPaused] }`);
    const parsed = parseConfig(yaml, 'flotte.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await fx.store.applyConfig(parsed.applied, Date.now());
    const operator = await fx.as('operator');

    const res = await send(fx, 'POST', { url: '/api/v1/notifications/subscriptions/oncall/test' }, operator);
    expect(res.status).toBe(200);
    const answer = JSON.parse(res.body) as TestDelivery;
    expect(answer).toMatchObject({ subscription: 'oncall', url, ok: true, status: 202, answer: 'queued by pager' });
    expect(got).toHaveLength(1);
    const ts = String(got[0]!.headers['x-flotte-timestamp']);
    expect(got[0]!.headers['x-flotte-signature']).toBe(`sha256=${createHmac('sha256', 'k-7d1e').update(`${ts}.${got[0]!.body}`).digest('hex')}`);
    expect(got[0]!.headers['x-flotte-delivery']).toBe(answer.delivery);
    expect(JSON.parse(got[0]!.body)).toMatchObject({ subscription: 'oncall', kind: 'Test' });

    expect((await send(fx, 'POST', { url: '/api/v1/notifications/subscriptions/pager/test' }, operator)).status).toBe(404);
    // Sending out is an operator's act; a viewer reads the log only.
    const viewer = await fx.as('viewer');
    expect((await send(fx, 'POST', { url: '/api/v1/notifications/subscriptions/oncall/test' }, viewer)).status).toBe(403);

    const now = Date.now();
    await fx.store.notifications.enqueue('webhooks', [{ id: '41-oncall', subscription: 'oncall', kind: 'HealingPaused', event: 41, pool: 'analysis', body: '{}', createdAt: now }], 41);
    await fx.store.notifications.claim('41-oncall', 'ctl', now, now + 1_000);
    await fx.store.notifications.settle('41-oncall', 'ctl', { status: 'dead', at: now, nextAt: now, error: 'HTTP 500', httpStatus: 500 });
    const log = JSON.parse((await send(fx, 'GET', { url: '/api/v1/notifications/deliveries' }, viewer)).body) as DeliveryList;
    expect(log.items).toEqual([expect.objectContaining({ id: '41-oncall', status: 'dead', attempts: 1, lastError: 'HTTP 500', lastStatus: 500, nextAt: null })]);
    const dead = JSON.parse((await send(fx, 'GET', { url: '/api/v1/notifications/deliveries?status=dead' }, viewer)).body) as DeliveryList;
    expect(dead.items.map((d) => d.id)).toEqual(['41-oncall']);
    const pending = JSON.parse((await send(fx, 'GET', { url: '/api/v1/notifications/deliveries?status=pending' }, viewer)).body) as DeliveryList;
    expect(pending.items).toEqual([]);
  });
});

describe('notifications in flotte.yaml', () => {
  it('a bad subscription is refused naming each field and what to write', () => {
    const problems = (subscription: string) => {
      const parsed = parseConfig(`${FIXTURE_YAML.replace(/notifications:[\s\S]*$/, '')}notifications:\n  subscriptions:\n    oncall:\n${subscription}`, 'flotte.yaml');
      return parsed.ok ? {} : Object.fromEntries(parsed.errors.map((e) => [e.path, `${e.message} (${e.hint})`]));
    };
    const bad = problems('      url: ftp://pager.example.com\n      secretEnv: ONCALL\n      events: [HealingPaused, Tuesday]\n');
    expect(bad['notifications.subscriptions.oncall.url']).toBe('the receiver must be an http:// or https:// URL (write its address, e.g. https://hooks.example.com/flotte)');
    expect(bad['notifications.subscriptions.oncall.events[1]']).toMatch(/"Tuesday" is not allowed \(use one of: HealingPaused, ProviderUnavailable, PoolAtMaxWithWorkWaiting/);
    const both = problems('      url: https://pager.example.com/flotte\n      secretEnv: ONCALL\n      secretFile: /etc/key\n      events: [HealingPaused]\n');
    expect(both['notifications.subscriptions.oncall']).toMatch(/exactly one of secretEnv and secretFile/);
    expect(problems('      url: https://pager.example.com/flotte\n      secretEnv: ONCALL\n      events: [HealingPaused]\n')).toEqual({});
  });
});
