export type Frame = { id?: string; event?: string; data?: string; comment?: string };

/** A streaming `fetch` of the SSE endpoint, parsed into frames as they arrive. */
export class SseClient {
  private buffer = '';
  private frames: Frame[] = [];
  private waiters: (() => void)[] = [];
  private readonly controller = new AbortController();
  status = 0;
  /** Resolves when the server ends the stream (or it is closed). */
  ended: Promise<void> = Promise.resolve();

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    const res = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: client.controller.signal,
    });
    client.status = res.status;
    if (res.body) client.ended = client.read(res.body);
    return client;
  }

  private async read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) {
        this.buffer += decoder.decode(chunk, { stream: true });
        let end = this.buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          for (const frame of parseBlock(block)) this.frames.push(frame);
          end = this.buffer.indexOf('\n\n');
        }
        for (const w of this.waiters.splice(0)) w();
      }
    } catch {
      // aborted by close()
    }
  }

  /** Waits until `n` events (frames with an id) have arrived and returns them. */
  async events(n: number): Promise<Frame[]> {
    for (;;) {
      const events = this.frames.filter((f) => f.id !== undefined);
      if (events.length >= n) return events.slice(0, n);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async comment(text: string): Promise<void> {
    while (!this.frames.some((f) => f.comment?.includes(text))) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Every frame so far, comments and events. */
  all(): Frame[] {
    return [...this.frames];
  }

  received(): Frame[] {
    return this.frames.filter((f) => f.id !== undefined);
  }

  close() {
    this.controller.abort();
  }
}

function parseBlock(block: string): Frame[] {
  const frame: Frame = {};
  const comments: Frame[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) comments.push({ comment: line.slice(1).trim() });
    else if (line.startsWith('id: ')) frame.id = line.slice(4);
    else if (line.startsWith('event: ')) frame.event = line.slice(7);
    else if (line.startsWith('data: ')) frame.data = (frame.data ? `${frame.data}\n` : '') + line.slice(6);
  }
  return frame.id !== undefined || frame.event !== undefined ? [...comments, frame] : comments;
}
