/**
 * Duration histograms of the rollups: log-scale bins of ratio 1.1 above one second, so a
 * percentile read from the bins (the geometric middle of the bin it falls in) is within 5% of the
 * exact value, and bins add up across buckets, agents and numbers. Bin 0 holds values under 1 s.
 */
const BASE_MS = 1_000;
const RATIO = 1.1;
const LOG_RATIO = Math.log(RATIO);

/** The bin of a duration in milliseconds (negative durations, from clock skew, count as 0). */
export function binOf(ms: number): number {
  if (!(ms >= BASE_MS)) return 0;
  return 1 + Math.floor(Math.log(ms / BASE_MS) / LOG_RATIO + 1e-9);
}

/** The value a bin stands for: the geometric middle of its bounds (0.5 s for bin 0). */
export function binValue(bin: number): number {
  if (bin <= 0) return BASE_MS / 2;
  return BASE_MS * RATIO ** (bin - 1) * Math.sqrt(RATIO);
}

/** A summary of a distribution: count, mean (exact, from the sum), median and p90 (from the bins). */
export type Distribution = {
  readonly count: number;
  readonly mean: number | null;
  readonly median: number | null;
  readonly p90: number | null;
};

/**
 * Mean, median and p90 of a histogram (`bin → count`) whose values add up to `total`. Percentiles
 * are nearest-rank: the p-th is the smallest value with at least ⌈p·n⌉ values at or below it.
 */
export function summarize(bins: ReadonlyMap<number, number>, total: number): Distribution {
  let count = 0;
  for (const c of bins.values()) count += c;
  if (count === 0) return { count: 0, mean: null, median: null, p90: null };
  const sorted = [...bins.entries()].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  const rank = (p: number) => {
    const target = Math.max(1, Math.ceil(p * count));
    let seen = 0;
    for (const [bin, c] of sorted) {
      seen += c;
      if (seen >= target) return Math.round(binValue(bin));
    }
    return Math.round(binValue(sorted[sorted.length - 1]?.[0] ?? 0));
  };
  return { count, mean: Math.round(total / count), median: rank(0.5), p90: rank(0.9) };
}
