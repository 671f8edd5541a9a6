// Deterministic scalar math for the TypeScript side of the tracer (animation, cameras): JavaScript's +, -, *, /
// and Math.sqrt are exactly rounded IEEE operations, but Math.sin, Math.acos and friends differ between engines.

const HALF_PI = 1.5707963267948966;

/** sin(x) for |x| <= π/2 by its Taylor series to degree 17 (error below 1e-15). */
function sinSmall(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let k = 1; k <= 8; k++) {
    term *= -x2 / (2 * k * (2 * k + 1));
    sum += term;
  }
  return sum;
}

/** sin(x) with range reduction to [-π/2, π/2]; meant for angles of animation and cameras (|x| < 1e6). */
export function detSin(x: number): number {
  const twoPi = 6.283185307179586;
  let r = x - twoPi * Math.floor(x / twoPi + 0.5); // in [-π, π]
  if (r > HALF_PI) r = Math.PI - r;
  else if (r < -HALF_PI) r = -Math.PI - r;
  return sinSmall(r);
}

export function detCos(x: number): number {
  return detSin(x + HALF_PI);
}

export function detTan(x: number): number {
  return detSin(x) / detCos(x);
}

/** atan(x) via argument halving and a series; |error| below 1e-14. */
function detAtan(x: number): number {
  if (x < 0) return -detAtan(-x);
  if (x > 1) return HALF_PI - detAtan(1 / x);
  // Two halvings bring x to at most tan(π/16) ≈ 0.199, where the series converges fast.
  let y = x;
  for (let i = 0; i < 2; i++) y = y / (1 + Math.sqrt(1 + y * y));
  const y2 = y * y;
  let term = y;
  let sum = y;
  for (let k = 1; k <= 12; k++) {
    term *= -y2;
    sum += term / (2 * k + 1);
  }
  return 4 * sum;
}

/** acos(x) for x in [-1, 1] (clamped). */
export function detAcos(x: number): number {
  const c = Math.min(1, Math.max(-1, x));
  return HALF_PI - detAtan(c / Math.sqrt(Math.max(1e-300, 1 - c * c)));
}
