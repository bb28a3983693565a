import { describe, expect, it } from 'vitest';
import { importProgress } from './history.processor.ts';

const chunk = (phase: number, order: number, progress: number) => ({ phase, chunk_order: order, progress });

describe('history import progress', () => {
  it('counts a chunk only once every chunk before it in its phase is in', () => {
    expect(importProgress([chunk(0, 2, 40)])).toEqual({ progress: 0, complete: false });
    expect(importProgress([chunk(0, 2, 40), chunk(0, 1, 20)])).toEqual({ progress: 40, complete: false });
    expect(importProgress([chunk(0, 1, 20), chunk(0, 3, 60)])).toEqual({ progress: 20, complete: false });
  });

  it('is complete only with the progress-100 chunk and nothing missing before it', () => {
    const all = [chunk(0, 1, 10), chunk(1, 1, 50), chunk(1, 2, 80), chunk(2, 1, 100)];
    expect(importProgress([all[3], all[0], all[2]] as typeof all)).toEqual({ progress: 10, complete: false });
    expect(importProgress([...all].reverse())).toEqual({ progress: 100, complete: true });
    // Phases without messages send nothing: a missing phase is no gap.
    expect(importProgress([chunk(1, 1, 60), chunk(1, 2, 100)])).toEqual({ progress: 100, complete: true });
  });
});
