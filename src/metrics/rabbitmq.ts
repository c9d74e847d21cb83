import { connect, type Channel, type ChannelModel } from 'amqplib';
import type { Clock } from '../clock/clock.js';
import type { MetricSample } from '../domain/scaling/decision.js';
import { MetricReadError, type MetricSource } from './source.js';

/**
 * Messages ready in a RabbitMQ queue, through AMQP's passive queue.declare (`checkQueue`),
 * which never creates or changes the queue. The connection is kept between reads and rebuilt
 * after any failure (a missing queue closes the channel, a broker restart the connection).
 */
export function rabbitmqSource(clock: Clock, url: string, queue: string): MetricSource {
  let conn: ChannelModel | undefined;
  let channel: Channel | undefined;
  const reset = () => {
    channel = undefined;
  };
  const open = async (): Promise<Channel> => {
    if (!conn) {
      conn = await connect(url);
      conn.on('error', () => undefined);
      conn.on('close', () => {
        conn = undefined;
        reset();
      });
    }
    if (!channel) {
      channel = await conn.createChannel();
      channel.on('error', () => undefined);
      channel.on('close', reset);
    }
    return channel;
  };
  return {
    async read(): Promise<MetricSample> {
      try {
        const ch = await open();
        const { messageCount } = await ch.checkQueue(queue);
        return { value: messageCount, at: clock.now() };
      } catch (e) {
        reset();
        throw new MetricReadError(`rabbitmq queue ${queue}: ${(e as Error).message}`);
      }
    },
    async close() {
      const c = conn;
      conn = undefined;
      reset();
      await c?.close().catch(() => undefined);
    },
  };
}
