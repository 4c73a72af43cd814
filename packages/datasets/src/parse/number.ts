/**
 * Decimal numbers read straight from bytes, so that parsing 830k rows of 17 columns does not
 * create a string per value. Results equal `Math.fround(parseFloat(text))`.
 */

// Exact powers of ten as doubles (10^22 is the largest one a double holds exactly).
const POWERS = Float64Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);

// Once past 2^53 each digit step rounds, and so does the final multiplication or division: with
// at most 25 digits the double `value` is within 2^-49 (relative) of the exact decimal. When the whole interval
// `value * (1 ± SLACK)` rounds to one float32, that float32 is the correctly rounded answer;
// otherwise the value sits on a float32 rounding boundary and parseFloat decides.
const SLACK = 2 ** -48;

const ZERO = 48;
const DOT = 46;
const PLUS = 43;
const MINUS = 45;
const LOWER_E = 101;
const UPPER_E = 69;

/** Where the last {@link scanFloat32} stopped (a module variable, so a scan allocates nothing). */
export const scanned = { end: 0 };

/**
 * Read a decimal number starting at `bytes[start]` and stopping at the first byte that cannot
 * continue it (at most `limit`); {@link scanned}.end is set to that offset. Returns the float32
 * value, or NaN when no number starts there.
 */
export function scanFloat32(bytes: Uint8Array, start: number, limit: number): number {
  let index = start;
  let negative = false;
  if (index < limit && (bytes[index] === MINUS || bytes[index] === PLUS)) {
    negative = bytes[index] === MINUS;
    index++;
  }
  // Two tight digit loops (integer part, fraction) into one double; digit counts come from
  // offsets, so the loops do nothing but accumulate.
  let mantissa = 0;
  const integerStart = index;
  for (; index < limit; index++) {
    const digit = bytes[index] - ZERO;
    if (digit < 0 || digit > 9) break;
    mantissa = mantissa * 10 + digit;
  }
  let digits = index - integerStart;
  let scale = 0;
  if (index < limit && bytes[index] === DOT) {
    const fractionStart = ++index;
    for (; index < limit; index++) {
      const digit = bytes[index] - ZERO;
      if (digit < 0 || digit > 9) break;
      mantissa = mantissa * 10 + digit;
    }
    scale = fractionStart - index;
    digits -= scale;
  }
  if (digits === 0) {
    scanned.end = index;
    return Number.NaN;
  }
  if (index < limit && (bytes[index] === LOWER_E || bytes[index] === UPPER_E)) {
    const mark = index++;
    let exponentNegative = false;
    if (index < limit && (bytes[index] === MINUS || bytes[index] === PLUS)) {
      exponentNegative = bytes[index] === MINUS;
      index++;
    }
    const exponentStart = index;
    let exponent = 0;
    for (; index < limit; index++) {
      const digit = bytes[index] - ZERO;
      if (digit < 0 || digit > 9) break;
      if (exponent < 100000) exponent = exponent * 10 + digit;
    }
    if (index === exponentStart) {
      // "1e" or "1e+" is not a number: stop at the "e" so the caller sees what follows.
      scanned.end = mark;
      return Number.NaN;
    }
    scale += exponentNegative ? -exponent : exponent;
  }
  scanned.end = index;
  // Past 25 digits the accumulated rounding could exceed SLACK: let parseFloat decide.
  if (digits > 25) return slowPath(bytes, start, index);
  let value: number;
  if (mantissa === 0) {
    value = 0;
  } else if (scale >= 0 && scale <= 22) {
    value = mantissa * POWERS[scale];
  } else if (scale < 0 && scale >= -22) {
    value = mantissa / POWERS[-scale];
  } else {
    return slowPath(bytes, start, index);
  }
  const single = Math.fround(value);
  if (Math.fround(value * (1 - SLACK)) !== single || Math.fround(value * (1 + SLACK)) !== single) {
    return slowPath(bytes, start, index);
  }
  return negative ? -single : single;
}

/**
 * The float32 value of the decimal number that fills `bytes[start, end)` exactly, or NaN when
 * the text is not a plain decimal number (this includes the words NaN and Infinity, which
 * callers reject).
 */
export function parseFloat32(bytes: Uint8Array, start: number, end: number): number {
  const value = scanFloat32(bytes, start, end);
  return scanned.end === end ? value : Number.NaN;
}

function slowPath(bytes: Uint8Array, start: number, end: number): number {
  let text = '';
  for (let index = start; index < end; index++) text += String.fromCharCode(bytes[index]);
  return Math.fround(Number.parseFloat(text));
}

/** True when `bytes[start, end)` spells NaN or an infinity (any case, optional sign). */
export function isNonFiniteWord(bytes: Uint8Array, start: number, end: number): boolean {
  let text = '';
  for (let index = start; index < end && index - start < 12; index++)
    text += String.fromCharCode(bytes[index]);
  return /^[+-]?(nan|inf|infinity)$/i.test(text);
}
