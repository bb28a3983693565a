/**
 * A sleep that can be cut short: the sender's loop sleeps until its next event, and a queued
 * send, an outcome or a stop wakes it at once. At most one sleep at a time.
 */
export class WakeUp {
  private resume: (() => void) | null = null;

  /** Resolves after `ms` (at once when negative), or earlier on `wake()`. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.resume = null;
          resolve();
        },
        Math.max(0, ms),
      );
      this.resume = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Ends the current sleep, if any. */
  wake(): void {
    const resume = this.resume;
    this.resume = null;
    resume?.();
  }
}
