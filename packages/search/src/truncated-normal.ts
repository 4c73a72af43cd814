/**
 * The truncated normal distribution TPE's Parzen estimators are made of: its log density, the
 * log of a normal's mass on an interval, and its inverse CDF, computed in log space as Optuna's
 * `_truncnorm` (after SciPy) does, so that components far in a tail still compare correctly.
 */

const SQRT_PI = Math.sqrt(Math.PI);
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** The complementary error function, to about 1e-15 relative (series, then a continued fraction). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 3) {
    // erf(x) = 2/sqrt(pi) exp(-x^2) sum 2^n x^(2n+1) / (1 * 3 * ... * (2n+1)): all terms positive.
    let term = x;
    let sum = x;
    const twiceSquare = 2 * x * x;
    for (let n = 1; n < 200 && term > sum * 1e-17; n += 1) {
      term *= twiceSquare / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-x * x) * sum;
  }
  if (x > 27) return 0;
  // erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated bottom up.
  let fraction = x;
  for (let k = 60; k >= 1; k -= 1) fraction = x + k / 2 / fraction;
  return Math.exp(-x * x) / (SQRT_PI * fraction);
}

/** The standard normal CDF. */
export function normalCdf(a: number): number {
  return 0.5 * erfc(-a / Math.SQRT2);
}

/** log of the standard normal CDF, accurate far into the left tail (an asymptotic series there). */
export function logNormalCdf(a: number): number {
  if (a > 6) return -normalCdf(-a);
  if (a > -20) return Math.log(normalCdf(a));
  const logLeft = -0.5 * a * a - Math.log(-a) - LOG_SQRT_2PI;
  let last = 0;
  let right = 1;
  let numerator = 1;
  let denominator = 1;
  const step = 1 / (a * a);
  let sign = 1;
  for (let i = 1; Math.abs(last - right) > Number.EPSILON && i < 100; i += 1) {
    last = right;
    sign = -sign;
    denominator *= step;
    numerator *= 2 * i - 1;
    right += sign * numerator * denominator;
  }
  return logLeft + Math.log(right);
}

// log(p - q) from log p and log q, p > q.
function logDifference(logP: number, logQ: number): number {
  return logP + Math.log1p(-Math.exp(logQ - logP));
}

/** log of the standard normal's probability mass on [a, b]. */
export function logGaussMass(a: number, b: number): number {
  // The right tail loses precision, so work in the left tail by symmetry.
  if (b <= 0) return logDifference(logNormalCdf(b), logNormalCdf(a));
  if (a > 0) return logDifference(logNormalCdf(-a), logNormalCdf(-b));
  return Math.log1p(-normalCdf(a) - normalCdf(-b));
}

/** The standard normal log density. */
export function logNormalPdf(x: number): number {
  return -(x * x) / 2 - LOG_SQRT_2PI;
}

// Acklam's rational approximation of the standard normal quantile (relative error 1e-9),
// polished below by Halley steps.
const ACKLAM_A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const ACKLAM_B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
];
const ACKLAM_C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
];
const ACKLAM_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

function acklam(p: number): number {
  const tail = (q: number) =>
    (((((ACKLAM_C[0] * q + ACKLAM_C[1]) * q + ACKLAM_C[2]) * q + ACKLAM_C[3]) * q + ACKLAM_C[4]) *
      q +
      ACKLAM_C[5]) /
    ((((ACKLAM_D[0] * q + ACKLAM_D[1]) * q + ACKLAM_D[2]) * q + ACKLAM_D[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log1p(-p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((ACKLAM_A[0] * r + ACKLAM_A[1]) * r + ACKLAM_A[2]) * r + ACKLAM_A[3]) * r + ACKLAM_A[4]) *
      r +
      ACKLAM_A[5]) *
      q) /
    (((((ACKLAM_B[0] * r + ACKLAM_B[1]) * r + ACKLAM_B[2]) * r + ACKLAM_B[3]) * r + ACKLAM_B[4]) *
      r +
      1)
  );
}

/**
 * The x with logNormalCdf(x) = y (y <= 0): Acklam's approximation refined by Halley steps on
 * log CDF, so it stays exact far in the left tail; bisection (as Optuna does) below 1e-300,
 * where exp(y) underflows.
 */
export function inverseLogNormalCdf(y: number): number {
  if (y >= 0) return Number.POSITIVE_INFINITY;
  if (y < -690) {
    let low = -100;
    let high = 100;
    for (let i = 0; i < 64; i += 1) {
      const middle = (low + high) / 2;
      if (logNormalCdf(middle) < y) low = middle;
      else high = middle;
    }
    return (low + high) / 2;
  }
  let x = acklam(Math.exp(y));
  for (let i = 0; i < 2; i += 1) {
    // f(x) = logCdf(x) - y; f' = pdf/cdf = r; f'' = -r (x + r). Halley: x -= 2 f f' / (2 f'^2 - f f'').
    const logCdf = logNormalCdf(x);
    const f = logCdf - y;
    if (f === 0) break;
    const r = Math.exp(logNormalPdf(x) - logCdf);
    x -= (2 * f * r) / (2 * r * r + f * r * (x + r));
  }
  return x;
}

/**
 * The quantile `q` of the standard normal truncated to [a, b] (a < b): the inverse CDF, so a
 * uniform `q` gives a truncated-normal sample.
 */
export function truncatedNormalQuantile(q: number, a: number, b: number): number {
  if (q <= 0) return a;
  if (q >= 1) return b;
  const logMass = logGaussMass(a, b);
  if (a < 0) {
    const logCdf = logSum(logNormalCdf(a), Math.log(q) + logMass);
    return inverseLogNormalCdf(logCdf);
  }
  const logCdf = logSum(logNormalCdf(-b), Math.log1p(-q) + logMass);
  return -inverseLogNormalCdf(logCdf);
}

/**
 * log density at `x` of the normal with mean `mu` and deviation `sigma` truncated to
 * [low, high]; -Infinity outside. Unlike Optuna 3.1's, it includes the `-log(sigma)` term
 * (Optuna added it in 3.5: without it, wide components look likelier than they are).
 */
export function truncatedNormalLogPdf(
  x: number,
  mu: number,
  sigma: number,
  low: number,
  high: number,
): number {
  if (x < low || x > high) return Number.NEGATIVE_INFINITY;
  const z = (x - mu) / sigma;
  return logNormalPdf(z) - logGaussMass((low - mu) / sigma, (high - mu) / sigma) - Math.log(sigma);
}

/** log(exp(a) + exp(b)) without overflow. */
export function logSum(a: number, b: number): number {
  const top = Math.max(a, b);
  if (top === Number.NEGATIVE_INFINITY) return top;
  return top + Math.log(Math.exp(a - top) + Math.exp(b - top));
}
