/** Median and MAD (median absolute deviation) of a sample; both 0 for an empty one. Sorts `values` in place. */
export function medianAndMad(values: number[]): { median: number; mad: number } {
  if (values.length === 0) return { median: 0, mad: 0 };
  values.sort((a, b) => a - b);
  const median = middle(values);
  const deviations = values.map((value) => Math.abs(value - median)).sort((a, b) => a - b);
  return { median, mad: middle(deviations) };
}

function middle(sorted: number[]): number {
  const half = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
}

/**
 * Peer volumes are compared on a log scale, counted in buckets of a quarter doubling: a department's 30-day window
 * is the sum of its days' bucket counts (integers, so the same whatever order the events came in), and its median
 * and MAD are read off the buckets without sorting thousands of values.
 */
export const logBuckets = 200;
const bucketsPerDoubling = 4;

/** The bucket of a volume (log2 of volume + 1, quarter-doubling steps). */
export function logBucket(volume: number): number {
  return Math.min(logBuckets - 1, Math.floor(Math.log2(volume + 1) * bucketsPerDoubling));
}

/** log2(volume + 1) at a bucket's middle. */
export function bucketLog(bucket: number): number {
  return (bucket + 0.5) / bucketsPerDoubling;
}

/** Median and MAD (in log2 units) of the values counted in `counts`; `n` is their number. */
export function histogramMedianAndMad(counts: Int32Array, n: number): { median: number; mad: number } {
  if (n === 0) return { median: 0, mad: 0 };
  const medianBucket = quantileBucket(counts, n);
  const deviations = new Int32Array(logBuckets);
  for (let b = 0; b < logBuckets; b += 1) if (counts[b]! > 0) deviations[Math.abs(b - medianBucket)] = deviations[Math.abs(b - medianBucket)]! + counts[b]!;
  return { median: bucketLog(medianBucket), mad: quantileBucket(deviations, n) / bucketsPerDoubling };
}

function quantileBucket(counts: Int32Array, n: number): number {
  const half = Math.ceil(n / 2);
  let seen = 0;
  for (let b = 0; b < counts.length; b += 1) {
    seen += counts[b]!;
    if (seen >= half) return b;
  }
  return counts.length - 1;
}
