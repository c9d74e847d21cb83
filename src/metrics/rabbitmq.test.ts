import { randomBytes } from 'node:crypto';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queueScenario, scalingRig, scalingSpec } from '../../test/support/scaling.js';
import { rabbitmqService, serviceSuite } from '../../test/support/services.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import { rabbitmqSource } from './rabbitmq.js';

const URL = 'amqp://guest:guest@127.0.0.1:5672';

await serviceSuite(rabbitmqService(), 'autoscaling on a real RabbitMQ', () => {
  let conn: ChannelModel;
  let ch: Channel;
  const queue = `flotte-test-${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    conn = await connect(URL);
    ch = await conn.createConfirmChannel();
    await ch.assertQueue(queue, { durable: false, autoDelete: false });
  });
  afterAll(async () => {
    await ch.deleteQueue(queue).catch(() => undefined);
    await conn.close();
  });

  it('10,000 messages at 100 per machine → 100 machines; purged → in only after the window', async () => {
    const rig = await scalingRig(scalingSpec({ type: 'rabbitmq', url: URL, queue }));
    try {
      await queueScenario(rig, {
        async fill(n) {
          for (let i = 0; i < n; i++) ch.sendToQueue(queue, Buffer.from(`job-${i}`));
          await (ch as unknown as { waitForConfirms(): Promise<void> }).waitForConfirms();
        },
        drain: async () => void (await ch.purgeQueue(queue)),
      });
    } finally {
      await rig.close();
    }
  });

  it('a missing queue is a read error, and the source recovers once it exists', async () => {
    const other = `${queue}-later`;
    const source = rabbitmqSource(new VirtualClock(), URL, other);
    try {
      await expect(source.read()).rejects.toThrow(/NOT_FOUND/);
      await ch.assertQueue(other, { durable: false });
      ch.sendToQueue(other, Buffer.from('x'));
      await (ch as unknown as { waitForConfirms(): Promise<void> }).waitForConfirms();
      expect((await source.read()).value).toBe(1);
    } finally {
      await ch.deleteQueue(other);
      await source.close();
    }
  });
});
