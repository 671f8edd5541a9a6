// Sorting hex identifiers (node keys, addresses) fast: an epoch sorts a million of them. A comparator sort over
// strings costs seconds at that size; packing each key's leading digits with its index into one float and sorting
// the floats natively costs a fraction of that, and gives exactly the string order.

const HEX_DIGIT = new Uint8Array(128);
for (const c of "0123456789abcdef") HEX_DIGIT[c.charCodeAt(0)] = 1;
const HEX_DIGIT_ANY_CASE = HEX_DIGIT.slice();
for (const c of "ABCDEF") HEX_DIGIT_ANY_CASE[c.charCodeAt(0)] = 1;

/** Whether `value` is "0x" followed by exactly `digits` hex digits (lower case only unless `anyCase`). */
export function isHexString(value: unknown, digits: number, anyCase = false): value is `0x${string}` {
  if (typeof value !== "string" || value.length !== digits + 2) return false;
  if (value.charCodeAt(0) !== 48 || value.charCodeAt(1) !== 120) return false;
  const table = anyCase ? HEX_DIGIT_ANY_CASE : HEX_DIGIT;
  for (let i = 2; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 127 || table[c] === 0) return false;
  }
  return true;
}

/**
 * The indices of `keys` in ascending string order. Every key must be lower-case "0x" + at least 13 hex digits, all
 * of one length (checked by the caller); equal keys end up adjacent, in no particular order among themselves.
 */
export function sortHexKeys(keys: readonly string[]): Int32Array {
  const n = keys.length;
  const out = new Int32Array(n);
  if (n === 0) return out;
  // packed = prefix × 2^indexBits + index < 2^52: exact in a float, and float order = (prefix, index) order.
  const indexBits = Math.max(1, Math.ceil(Math.log2(n)));
  const prefixDivisor = 2 ** indexBits;
  const indexScale = 2 ** indexBits;
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lead = Number.parseInt((keys[i] as string).slice(2, 15), 16); // 52 bits
    packed[i] = Math.floor(lead / prefixDivisor) * indexScale + i;
  }
  packed.sort();
  // Keys that share the packed prefix are ordered by the full string (rare for random keys).
  let runStart = 0;
  let runPrefix = -1;
  for (let k = 0; k <= n; k++) {
    let prefix = -2;
    if (k < n) {
      const v = packed[k] as number;
      prefix = Math.floor(v / indexScale);
      out[k] = v - prefix * indexScale;
    }
    if (prefix !== runPrefix) {
      if (k - runStart > 1) sortRun(keys, out, runStart, k);
      runStart = k;
      runPrefix = prefix;
    }
  }
  return out;
}

/**
 * Orders `out[start..end)` by the full key. Runs are short (equal keys, or keys sharing their leading 32-odd bits):
 * insertion sort in place; a long run of distinct keys (ground to share a prefix) gets a comparator sort.
 */
function sortRun(keys: readonly string[], out: Int32Array, start: number, end: number): void {
  const first = keys[out[start] as number] as string;
  let allEqual = true;
  for (let a = start + 1; a < end && allEqual; a++) allEqual = keys[out[a] as number] === first;
  if (allEqual) return;
  if (end - start > 32) {
    const run = Array.from(out.subarray(start, end)).sort((a, b) => {
      const x = keys[a] as string;
      const y = keys[b] as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    out.set(run, start);
    return;
  }
  for (let a = start + 1; a < end; a++) {
    const moving = out[a] as number;
    const key = keys[moving] as string;
    let b = a - 1;
    while (b >= start && (keys[out[b] as number] as string) > key) {
      out[b + 1] = out[b] as number;
      b--;
    }
    out[b + 1] = moving;
  }
}

/** Position of `key` in `keys` ordered by `order` (from sortHexKeys), or -1: a binary search on the sorted view. */
export function findHexKey(keys: readonly string[], order: Int32Array, key: string): number {
  let lo = 0;
  let hi = order.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const candidate = keys[order[mid] as number] as string;
    if (candidate === key) return order[mid] as number;
    if (candidate < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
