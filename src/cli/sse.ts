/** One server-sent event as the CLI needs it; `data` is empty for a frame that only moves the cursor (`id:` alone). */
export interface SseMessage {
  id?: string | undefined;
  data: string;
}

/**
 * Reads a `text/event-stream` body into messages, per the WHATWG framing: fields up to a
 * blank line make one event; comments (`:`) and `retry:` are skipped. A frame with an `id:` and
 * no data is handed on too: it moves the client's Last-Event-ID, as a browser's EventSource does.
 */
export function readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  // Locked now, not at the first next(): fetch (undici, as in Node 22) cancels the body of a
  // Response that was garbage-collected while its body was neither locked nor read, and a caller
  // may keep only the body and read it later (one stream per client, read once all are open).
  return sseMessages(body.getReader());
}

async function* sseMessages(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  let id: string | undefined;
  let data: string[] = [];
  let framed = false;
  try {
    for (;;) {
      const { value: chunk, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffer.search(/\r?\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer[nl] === '\r' ? 2 : 1));
        if (line === '') {
          if (data.length || framed) yield { id, data: data.join('\n') };
          data = [];
          framed = false;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') {
          id = value;
          framed = true;
        } else if (field === 'data') data.push(value);
      }
    }
  } finally {
    // A reader that stops early hangs up, as leaving a for-await over the body would.
    await reader.cancel().catch(() => undefined);
  }
}
