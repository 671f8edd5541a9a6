// Deterministic math for the tracer: only IEEE +, -, *, /, sqrt and exact bit operations, never host functions,
// so every machine computes identical floats. Polynomials are accurate to about 1e-7 on their reduced ranges.

const PI: f32 = 3.14159265358979;
export const INV_PI: f32 = 0.318309886183791;
export const TWO_PI: f32 = 6.28318530717959;

// Results of sincosTurns, as globals: AssemblyScript has no cheap multi-value return.
export let SIN: f32 = 0;
export let COS: f32 = 0;

/** sin and cos of 2π·t for t in [0, 1): exact quadrant split, then Taylor polynomials on [0, π/2]. */
export function sincosTurns(t: f32): void {
  const q4 = t * 4.0;
  const qf = Mathf.floor(q4);
  const x = (q4 - qf) * (PI * 0.5);
  const x2 = x * x;
  const s = x * (1.0 + x2 * (-1.0 / 6.0 + x2 * (1.0 / 120.0 + x2 * (-1.0 / 5040.0 + x2 * (1.0 / 362880.0 - x2 / 39916800.0)))));
  const c: f32 = 1.0 + x2 * (-0.5 + x2 * (1.0 / 24.0 + x2 * (-1.0 / 720.0 + x2 * (1.0 / 40320.0 + x2 * (-1.0 / 3628800.0 + x2 / 479001600.0)))));
  const q = (<i32>qf) & 3;
  if (q == 0) {
    SIN = s;
    COS = c;
  } else if (q == 1) {
    SIN = c;
    COS = -s;
  } else if (q == 2) {
    SIN = -s;
    COS = -c;
  } else {
    SIN = -c;
    COS = s;
  }
}

/** log2(x) for x > 0 via the exponent bits and an atanh series on the mantissa in [sqrt(1/2), sqrt(2)). */
export function log2f(x: f32): f32 {
  let bits = reinterpret<u32>(x);
  let e = <i32>((bits >> 23) & 0xff) - 127;
  let m = reinterpret<f32>((bits & 0x7fffff) | 0x3f800000);
  if (m > 1.41421356) {
    m = m * 0.5;
    e += 1;
  }
  const z = (m - 1.0) / (m + 1.0);
  const z2 = z * z;
  // ln(m) = 2 atanh(z); |z| < 0.1716 so five terms reach f32 precision.
  const ln: f32 = 2.0 * z * (1.0 + z2 * (1.0 / 3.0 + z2 * (1.0 / 5.0 + z2 * (1.0 / 7.0 + z2 * (1.0 / 9.0)))));
  return <f32>e + ln * 1.44269504088896;
}

/** 2^x, clamped to the f32 range: integer part into the exponent bits, fraction by a polynomial. */
export function exp2f(x: f32): f32 {
  if (x < -126.0) return 0.0;
  if (x > 127.0) x = 127.0;
  const fl = Mathf.floor(x);
  const f = (x - fl) * 0.693147180559945;
  const p: f32 = 1.0 + f * (1.0 + f * (0.5 + f * (1.0 / 6.0 + f * (1.0 / 24.0 + f * (1.0 / 120.0 + f * (1.0 / 720.0 + f / 5040.0))))));
  return p * reinterpret<f32>(<u32>(<i32>fl + 127) << 23);
}

/** x^y for x >= 0. */
export function powf(x: f32, y: f32): f32 {
  if (x <= 0.0) return 0.0;
  return exp2f(y * log2f(x));
}

@inline
export function clamp01(x: f32): f32 {
  return Mathf.min(Mathf.max(x, 0.0), 1.0);
}
