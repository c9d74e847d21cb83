import type { Command } from 'commander';
import type { ApiClient } from '../client.js';
import { CliError } from '../client.js';
import { printJson, println, table } from '../output.js';
import type { DeliveryList, DeliveryView, TestDelivery } from '../../api/contract/index.js';

function printDeliveries(items: DeliveryView[], json: boolean | undefined): void {
  if (json) return printJson(items);
  if (items.length === 0) return println('no deliveries');
  println(
    table(
      ['ID', 'SUBSCRIPTION', 'KIND', 'POOL', 'STATUS', 'ATTEMPTS', 'NEXT', 'LAST ERROR'],
      items.map((d) => [d.id, d.subscription, d.kind, d.pool, d.status, d.attempts, d.nextAt ?? '-', d.lastError ?? '-']),
    ),
  );
}

async function listDeliveries(client: ApiClient, opts: { status?: string; subscription?: string; limit: string }): Promise<DeliveryView[]> {
  const q = new URLSearchParams({ limit: opts.limit });
  if (opts.status) q.set('status', opts.status);
  if (opts.subscription) q.set('subscription', opts.subscription);
  return (await client.get<DeliveryList>(`/api/v1/notifications/deliveries?${q}`)).items;
}

/** `flotte notifications log | dead | test SUBSCRIPTION`. */
export function registerNotificationCommands(program: Command, client: () => ApiClient): void {
  const n = program.command('notifications').description('webhook notifications: the delivery log, the dead-letter list, a test delivery');
  n.command('log')
    .description('deliveries, newest first, with status, attempts and last error')
    .option('--subscription <name>', 'only this subscription')
    .option('--status <status>', 'pending, delivered or dead')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'JSON output')
    .action(async (opts: { subscription?: string; status?: string; limit: string; json?: boolean }) => printDeliveries(await listDeliveries(client(), opts), opts.json));
  n.command('dead')
    .description('the dead-letter list: deliveries whose attempts are used up')
    .option('--subscription <name>', 'only this subscription')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'JSON output')
    .action(async (opts: { subscription?: string; limit: string; json?: boolean }) => printDeliveries(await listDeliveries(client(), { ...opts, status: 'dead' }), opts.json));
  n.command('test')
    .description("send a signed test delivery to a subscription now and print the receiver's answer (exit 1 when it did not answer 2xx)")
    .argument('<subscription>')
    .option('--json', 'JSON output')
    .action(async (name: string, opts: { json?: boolean }) => {
      const r = await client().request<TestDelivery>('POST', `/api/v1/notifications/subscriptions/${encodeURIComponent(name)}/test`);
      if (opts.json) printJson(r);
      else {
        println(`${r.subscription} → ${r.url} (delivery ${r.delivery}, ${r.ms} ms)`);
        println(r.status !== undefined ? `HTTP ${r.status}${r.answer ? `: ${r.answer}` : ''}` : `no answer: ${r.error ?? 'unknown error'}`);
      }
      if (!r.ok) throw new CliError(`test delivery to ${r.subscription} failed: ${r.error ?? 'no 2xx'}`, 1);
    });
}
