/** The sandbox's own clock: real time, or a manual clock that only moves when told to (tests). */
export interface SandboxClock {
  readonly mode: 'real' | 'manual';
  now(): number;
  /**
   * Manual clock only: moves time forward, running every scheduled task that falls due (in order),
   * then waits for the webhook deliveries those tasks started.
   */
  advance(ms: number): Promise<void>;
}

interface Task {
  readonly id: number;
  readonly dueAt: number;
  readonly run: () => void;
  timer?: NodeJS.Timeout;
}

/** Runs tasks at a sandbox-clock time; with a manual clock they run inside `advance()`. */
export class Scheduler {
  private readonly tasks = new Map<number, Task>();
  private nextId = 1;
  private current: number;
  private closed = false;
  private readonly work = new Set<Promise<unknown>>();
  /** Awaited at the end of `advance()`; set by the webhook dispatcher. */
  settle: () => Promise<void> = async () => {};

  constructor(
    readonly mode: 'real' | 'manual',
    start: number,
  ) {
    this.current = start;
  }

  now(): number {
    return this.mode === 'real' ? Date.now() : this.current;
  }

  /** Schedules `run` after `delayMs` of sandbox time; returns a cancel function. */
  schedule(delayMs: number, run: () => void): () => void {
    if (this.closed) return () => {};
    const task: Task = { id: this.nextId++, dueAt: this.now() + Math.max(0, delayMs), run };
    this.tasks.set(task.id, task);
    if (this.mode === 'real') {
      task.timer = setTimeout(() => this.runTask(task), Math.max(0, delayMs));
      task.timer.unref();
    }
    return () => {
      if (task.timer) clearTimeout(task.timer);
      this.tasks.delete(task.id);
    };
  }

  /**
   * Background work that will schedule tasks when it ends (a media link being fetched): `advance()`
   * and `settled()` wait for it first, so a manual clock sees its tasks deterministically.
   */
  track(work: Promise<unknown>): void {
    const p = work.catch(() => {}).finally(() => this.work.delete(p));
    this.work.add(p);
  }

  /** Resolves when no tracked background work is left. */
  async settled(): Promise<void> {
    while (this.work.size > 0) await Promise.all([...this.work]);
  }

  private runTask(task: Task): void {
    if (!this.tasks.delete(task.id)) return;
    try {
      task.run();
    } catch {
      // A failing task must never take the sandbox down; the task itself reports what it can.
    }
  }

  async advance(ms: number): Promise<void> {
    if (this.mode !== 'manual') throw new Error('advance() needs clock: "manual"');
    await this.settled();
    const target = this.current + Math.max(0, ms);
    for (;;) {
      let next: Task | undefined;
      for (const task of this.tasks.values()) {
        if (task.dueAt <= target && (!next || task.dueAt < next.dueAt)) next = task;
      }
      if (!next) break;
      this.current = Math.max(this.current, next.dueAt);
      this.runTask(next);
    }
    this.current = target;
    await this.settle();
  }

  close(): void {
    this.closed = true;
    for (const task of this.tasks.values()) if (task.timer) clearTimeout(task.timer);
    this.tasks.clear();
  }

  get pending(): number {
    return this.tasks.size;
  }
}

export function clockOf(scheduler: Scheduler): SandboxClock {
  return {
    mode: scheduler.mode,
    now: () => scheduler.now(),
    advance: (ms) => scheduler.advance(ms),
  };
}
