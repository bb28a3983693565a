import { describe, expect, it } from 'vitest';
import { createLoopShare } from './loop-share.ts';

/** A share on a hand-moved clock; `turn()` waits on real timers, so waits are read from `share()` and the debt. */
function fixture(options: Parameters<typeof createLoopShare>[0] = {}) {
  let t = 0;
  const share = createLoopShare({ ...options, now: () => t });
  return {
    share,
    advance(ms: number) {
      t += ms;
    },
  };
}

describe('the foreground-first loop share', () => {
  it('lets the background run freely while the foreground is not saturated', async () => {
    const { share } = fixture();
    share.foreground(3);
    expect(share.saturated()).toBe(false);
    expect(share.share()).toBe(1);
    share.ran(500);
    const started = performance.now();
    await share.turn();
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('counts the foreground saturated for a window after a large group commit', () => {
    const { share, advance } = fixture({ saturatedAt: 16, windowMs: 250 });
    share.foreground(16);
    expect(share.saturated()).toBe(true);
    advance(249);
    expect(share.saturated()).toBe(true);
    advance(2);
    expect(share.saturated()).toBe(false);
  });

  it('makes the next slice wait so that the background keeps to its share', async () => {
    // 20 ms of background at a 0.2 share buys the foreground 80 ms: with the clock at 0, a real
    // wait of about 80 ms (the clock does not move, so turn() returns once the window would pass;
    // here the window is long and the clock is moved by hand to the debt's end).
    const { share, advance } = fixture({ minShare: 0.2, windowMs: 10_000 });
    share.foreground(50);
    share.ran(20);
    let done = false;
    const turn = share.turn().then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    advance(80);
    await turn;
    expect(done).toBe(true);
  });

  it('adds up the slices of every worker into one debt', async () => {
    const { share, advance } = fixture({ minShare: 0.5, windowMs: 10_000 });
    share.foreground(50);
    share.ran(10); // worker A: owes 10
    share.ran(10); // worker B: owes 10 more, after A's
    advance(15);
    let done = false;
    const turn = share.turn().then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    advance(5);
    await turn;
    expect(done).toBe(true);
  });

  it('raises the background’s share as its lag grows, up to the most', () => {
    const { share } = fixture({ minShare: 0.2, maxShare: 0.8, lagFloorMs: 5_000, fullLagMs: 20_000 });
    share.foreground(50);
    share.ran(1, 1_000);
    expect(share.share()).toBeCloseTo(0.2);
    share.ran(1, 12_500);
    expect(share.share()).toBeCloseTo(0.5);
    share.ran(1, 60_000);
    expect(share.share()).toBeCloseTo(0.8);
  });

  it('stops waiting as soon as the foreground is no longer saturated', async () => {
    const { share, advance } = fixture({ minShare: 0.1, windowMs: 100 });
    share.foreground(50);
    share.ran(1_000); // owes 9 s
    let done = false;
    const turn = share.turn().then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    advance(101);
    await turn;
    expect(done).toBe(true);
  });

  describe('slices', () => {
    /** A slice that records when it starts and ends, and ends when told. */
    const gate = (log: string[], name: string) => {
      let end = () => {};
      const done = new Promise<void>((resolve) => {
        end = resolve;
      });
      return {
        end: () => end(),
        fn: async () => {
          log.push(`${name} start`);
          await done;
          log.push(`${name} end`);
          return name;
        },
      };
    };
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

    it('run one at a time while the foreground is saturated', async () => {
      const { share, advance } = fixture({ minShare: 0.5, windowMs: 10_000 });
      share.foreground(50);
      const log: string[] = [];
      const a = gate(log, 'a');
      const b = gate(log, 'b');
      const ra = share.slice(a.fn);
      const rb = share.slice(b.fn);
      await tick();
      expect(log).toEqual(['a start']);
      advance(10); // a ran 10 ms: b waits 10 more at a 0.5 share
      a.end();
      await ra;
      await tick();
      expect(log).toEqual(['a start', 'a end']);
      advance(10);
      await tick();
      b.end();
      expect(await rb).toBe('b');
      expect(log).toEqual(['a start', 'a end', 'b start', 'b end']);
    });

    it('overlap freely while the foreground is not saturated', async () => {
      const { share } = fixture();
      const log: string[] = [];
      const a = gate(log, 'a');
      const b = gate(log, 'b');
      const both = Promise.all([share.slice(a.fn), share.slice(b.fn)]);
      await tick();
      expect(log).toEqual(['a start', 'b start']);
      a.end();
      b.end();
      expect(await both).toEqual(['a', 'b']);
    });

    it('pay their time and let the next one run even when they throw', async () => {
      const { share, advance } = fixture({ minShare: 0.5, windowMs: 10_000 });
      share.foreground(50);
      const failing = share.slice(async () => {
        advance(20);
        throw new Error('broken batch');
      });
      await expect(failing).rejects.toThrow('broken batch');
      let ran = false;
      const next = share.slice(async () => {
        ran = true;
      });
      await tick();
      expect(ran).toBe(false); // 20 ms of background at 0.5 owes the foreground 20 ms
      advance(20);
      await next;
      expect(ran).toBe(true);
    });

    it('report the lag their result carries', async () => {
      const { share } = fixture({ minShare: 0.2, maxShare: 0.8, lagFloorMs: 5_000, fullLagMs: 20_000 });
      share.foreground(50);
      await share.slice(
        async () => 12_500,
        (lag) => lag,
      );
      expect(share.share()).toBeCloseTo(0.5);
    });
  });
});
