import type { AnswerNode } from './answer-node';
import type { Budget } from './budget';

/** A complex number. @internal */
export interface Complex {
  readonly re: number;
  readonly im: number;
}

/** An exact rational number, den > 0, in lowest terms. @internal */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

const NAN: Complex = { re: Number.NaN, im: 0 };
const MAX_EXACT_BITS = 8192;

function complex(re: number, im = 0): Complex {
  return { re, im };
}

function add(a: Complex, b: Complex): Complex {
  return complex(a.re + b.re, a.im + b.im);
}

function multiply(a: Complex, b: Complex): Complex {
  if (a.im === 0 && b.im === 0) return complex(a.re * b.re);
  return complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
}

function divide(a: Complex, b: Complex): Complex {
  if (a.im === 0 && b.im === 0) return complex(a.re / b.re);
  const scale = b.re * b.re + b.im * b.im;
  return complex((a.re * b.re + a.im * b.im) / scale, (a.im * b.re - a.re * b.im) / scale);
}

function modulus(a: Complex): number {
  return a.im === 0 ? Math.abs(a.re) : Math.hypot(a.re, a.im);
}

function logarithm(a: Complex): Complex {
  if (a.im === 0 && a.re >= 0) return complex(Math.log(a.re));
  return complex(Math.log(modulus(a)), Math.atan2(a.im, a.re));
}

function exponential(a: Complex): Complex {
  if (a.im === 0) return complex(Math.exp(a.re));
  const scale = Math.exp(a.re);
  return complex(scale * Math.cos(a.im), scale * Math.sin(a.im));
}

function power(base: Complex, exponent: Complex): Complex {
  if (base.im === 0 && exponent.im === 0) {
    if (base.re >= 0 || Number.isInteger(exponent.re)) return complex(Math.pow(base.re, exponent.re));
  }
  if (base.re === 0 && base.im === 0) return exponent.re > 0 ? complex(0) : NAN;
  return exponential(multiply(exponent, logarithm(base)));
}

function squareRoot(a: Complex): Complex {
  if (a.im === 0) return a.re >= 0 ? complex(Math.sqrt(a.re)) : complex(0, Math.sqrt(-a.re));
  const r = modulus(a);
  const re = Math.sqrt((r + a.re) / 2);
  const im = Math.sign(a.im) * Math.sqrt((r - a.re) / 2);
  return complex(re, im);
}

function realOnly(a: Complex, f: (x: number) => number): Complex {
  return a.im === 0 ? complex(f(a.re)) : NAN;
}

function factorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) return Number.NaN;
  if (n > 170) return Number.POSITIVE_INFINITY;
  let result = 1;
  for (let k = 2; k <= n; k++) result *= k;
  return result;
}

function binomial(n: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(k)) return Number.NaN;
  if (k < 0 || k > n) return 0;
  const m = Math.min(k, n - k);
  if (m > 10_000) return Number.POSITIVE_INFINITY;
  let result = 1;
  for (let j = 1; j <= m; j++) result = (result * (n - m + j)) / j;
  return Math.round(result);
}

function gcdNumber(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  for (let guard = 0; y !== 0 && guard < 2000; guard++) [x, y] = [y, x % y];
  return x;
}

/**
 * Evaluates a scalar tree at one point: symbols take their values from `variables`, `i` is the imaginary unit,
 * `e` and `π` the constants. Structures, unknown symbols and domain errors give NaN.
 * @internal
 */
export function evaluateComplex(node: AnswerNode, variables: ReadonlyMap<string, number>, budget: Budget): Complex {
  budget.tick();
  switch (node.kind) {
    case 'number':
      return complex(node.value);
    case 'symbol': {
      const value = variables.get(node.name);
      return value === undefined ? NAN : complex(value);
    }
    case 'constant':
      switch (node.name) {
        case 'pi':
          return complex(Math.PI);
        case 'e':
          return complex(Math.E);
        case 'i':
          return complex(0, 1);
        default:
          return complex(Number.POSITIVE_INFINITY);
      }
    case 'add': {
      let sum = complex(0);
      for (const term of node.terms) sum = add(sum, evaluateComplex(term, variables, budget));
      return sum;
    }
    case 'neg': {
      const value = evaluateComplex(node.argument, variables, budget);
      return complex(-value.re, value.im === 0 ? 0 : -value.im);
    }
    case 'mul': {
      let product = complex(1);
      for (const factor of node.factors) product = multiply(product, evaluateComplex(factor, variables, budget));
      return product;
    }
    case 'div':
      return divide(evaluateComplex(node.numerator, variables, budget), evaluateComplex(node.denominator, variables, budget));
    case 'pow':
      return power(evaluateComplex(node.base, variables, budget), evaluateComplex(node.exponent, variables, budget));
    case 'call':
      return evaluateCall(node.name, node.args.map((argument) => evaluateComplex(argument, variables, budget)));
    default:
      return NAN;
  }
}

function evaluateCall(name: string, args: readonly Complex[]): Complex {
  const [a, b] = args as [Complex, Complex | undefined];
  switch (name) {
    case 'sqrt':
      return squareRoot(a);
    case 'root': {
      // root(n, x): the real root for a negative radicand and an odd integer index, else the principal root.
      const x = b!;
      if (a.im === 0 && x.im === 0 && x.re < 0 && Number.isInteger(a.re) && Math.abs(a.re % 2) === 1) {
        return complex(-Math.pow(-x.re, 1 / a.re));
      }
      return power(x, divide(complex(1), a));
    }
    case 'exp':
      return exponential(a);
    case 'ln':
    case 'log':
      return logarithm(a);
    case 'log10':
      return divide(logarithm(a), complex(Math.LN10));
    case 'logb':
      return divide(logarithm(b!), logarithm(a));
    case 'abs':
      return complex(modulus(a));
    case 'sin':
      return a.im === 0 ? complex(Math.sin(a.re)) : complex(Math.sin(a.re) * Math.cosh(a.im), Math.cos(a.re) * Math.sinh(a.im));
    case 'cos':
      return a.im === 0 ? complex(Math.cos(a.re)) : complex(Math.cos(a.re) * Math.cosh(a.im), -Math.sin(a.re) * Math.sinh(a.im));
    case 'tan':
      return realOnly(a, Math.tan);
    case 'sec':
      return realOnly(a, (x) => 1 / Math.cos(x));
    case 'csc':
      return realOnly(a, (x) => 1 / Math.sin(x));
    case 'cot':
      return realOnly(a, (x) => 1 / Math.tan(x));
    case 'asin':
      return realOnly(a, Math.asin);
    case 'acos':
      return realOnly(a, Math.acos);
    case 'atan':
      return realOnly(a, Math.atan);
    case 'sinh':
      return realOnly(a, Math.sinh);
    case 'cosh':
      return realOnly(a, Math.cosh);
    case 'tanh':
      return realOnly(a, Math.tanh);
    case 'floor':
      return realOnly(a, Math.floor);
    case 'ceil':
      return realOnly(a, Math.ceil);
    case 'factorial':
      return realOnly(a, factorial);
    case 'binom':
      return a.im === 0 && b!.im === 0 ? complex(binomial(a.re, b!.re)) : NAN;
    case 'max':
    case 'min': {
      if (args.some((value) => value.im !== 0)) return NAN;
      const values = args.map((value) => value.re);
      return complex(name === 'max' ? Math.max(...values) : Math.min(...values));
    }
    case 'gcd':
    case 'lcm': {
      if (args.some((value) => value.im !== 0 || !Number.isInteger(value.re))) return NAN;
      let result = args[0]!.re;
      for (const value of args.slice(1)) {
        result = name === 'gcd' ? gcdNumber(result, value.re) : Math.abs(result * value.re) / gcdNumber(result, value.re);
      }
      return complex(Math.abs(result));
    }
    default:
      return NAN;
  }
}

function bigAbs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

function bigGcd(a: bigint, b: bigint): bigint {
  let x = bigAbs(a);
  let y = bigAbs(b);
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function rational(num: bigint, den: bigint): Rational | undefined {
  if (den === 0n) return undefined;
  const sign = den < 0n ? -1n : 1n;
  const divisor = bigGcd(num, den) || 1n;
  const result = { num: (sign * num) / divisor, den: (sign * den) / divisor };
  if (bitLength(result.num) > MAX_EXACT_BITS || bitLength(result.den) > MAX_EXACT_BITS) return undefined;
  return result;
}

function bitLength(value: bigint): number {
  return bigAbs(value).toString(16).length * 4;
}

function isInteger(value: Rational): boolean {
  return value.den === 1n;
}

/**
 * Evaluates a tree exactly over the rationals (integers and decimal literals with `+ − × ÷`, integer powers,
 * factorials, binomials, |x|, floor, ceil, gcd, lcm, max, min); `undefined` for anything else or for results
 * beyond 8192 bits, so that `2^{10^{10}}` costs nothing.
 * @internal
 */
export function evaluateExact(node: AnswerNode, budget: Budget): Rational | undefined {
  budget.tick();
  switch (node.kind) {
    case 'number': {
      if (node.text.length > 600 || /[eE]/.test(node.text)) return undefined;
      const [whole, fraction = ''] = node.text.split('.');
      return rational(BigInt((whole || '0') + fraction), 10n ** BigInt(fraction.length));
    }
    case 'add': {
      let sum: Rational | undefined = { num: 0n, den: 1n };
      for (const term of node.terms) {
        const value = evaluateExact(term, budget);
        if (value === undefined || sum === undefined) return undefined;
        sum = rational(sum.num * value.den + value.num * sum.den, sum.den * value.den);
      }
      return sum;
    }
    case 'neg': {
      const value = evaluateExact(node.argument, budget);
      return value === undefined ? undefined : { num: -value.num, den: value.den };
    }
    case 'mul': {
      let product: Rational | undefined = { num: 1n, den: 1n };
      for (const factor of node.factors) {
        const value = evaluateExact(factor, budget);
        if (value === undefined || product === undefined) return undefined;
        product = rational(product.num * value.num, product.den * value.den);
      }
      return product;
    }
    case 'div': {
      const numerator = evaluateExact(node.numerator, budget);
      const denominator = evaluateExact(node.denominator, budget);
      if (numerator === undefined || denominator === undefined || denominator.num === 0n) return undefined;
      return rational(numerator.num * denominator.den, numerator.den * denominator.num);
    }
    case 'pow': {
      const base = evaluateExact(node.base, budget);
      const exponent = evaluateExact(node.exponent, budget);
      if (base === undefined || exponent === undefined || !isInteger(exponent)) return undefined;
      const magnitude = bigAbs(exponent.num);
      const baseBits = Math.max(bitLength(base.num), bitLength(base.den));
      if (magnitude > 100_000n || baseBits * Number(magnitude) > MAX_EXACT_BITS) {
        return base.num === 0n || (bigAbs(base.num) === 1n && base.den === 1n) ? powerOfTrivial(base, exponent.num) : undefined;
      }
      if (base.num === 0n && exponent.num < 0n) return undefined;
      const num = base.num ** magnitude;
      const den = base.den ** magnitude;
      return exponent.num < 0n ? rational(den, num) : rational(num, den);
    }
    case 'call':
      return evaluateExactCall(node.name, node.args, budget);
    default:
      return undefined;
  }
}

function powerOfTrivial(base: Rational, exponent: bigint): Rational | undefined {
  if (base.num === 0n) return exponent > 0n ? { num: 0n, den: 1n } : undefined;
  if (base.num === 1n) return { num: 1n, den: 1n };
  return { num: exponent % 2n === 0n ? 1n : -1n, den: 1n };
}

function evaluateExactCall(name: string, argumentNodes: readonly AnswerNode[], budget: Budget): Rational | undefined {
  const args: Rational[] = [];
  for (const argument of argumentNodes) {
    const value = evaluateExact(argument, budget);
    if (value === undefined) return undefined;
    args.push(value);
  }
  const a = args[0]!;
  switch (name) {
    case 'abs':
      return { num: bigAbs(a.num), den: a.den };
    case 'floor':
    case 'ceil': {
      const quotient = a.num / a.den;
      const exact = quotient * a.den === a.num;
      if (exact) return { num: quotient, den: 1n };
      const floor = a.num < 0n ? quotient - 1n : quotient;
      return { num: name === 'floor' ? floor : floor + 1n, den: 1n };
    }
    case 'factorial': {
      if (!isInteger(a) || a.num < 0n || a.num > 1000n) return undefined;
      let result = 1n;
      for (let k = 2n; k <= a.num; k++) {
        budget.tick();
        result *= k;
      }
      return { num: result, den: 1n };
    }
    case 'binom': {
      const b = args[1]!;
      if (!isInteger(a) || !isInteger(b) || a.num > 100_000n || a.num < 0n) return undefined;
      if (b.num < 0n || b.num > a.num) return { num: 0n, den: 1n };
      const k = b.num < a.num - b.num ? b.num : a.num - b.num;
      if (k > 2000n) return undefined;
      let result = 1n;
      for (let j = 1n; j <= k; j++) {
        budget.tick();
        result = (result * (a.num - k + j)) / j;
      }
      return { num: result, den: 1n };
    }
    case 'gcd':
    case 'lcm': {
      if (!args.every(isInteger)) return undefined;
      let result = a.num;
      for (const value of args.slice(1)) {
        const divisor = bigGcd(result, value.num);
        result = name === 'gcd' ? divisor : divisor === 0n ? 0n : bigAbs(result * value.num) / divisor;
      }
      return { num: bigAbs(result), den: 1n };
    }
    case 'max':
    case 'min': {
      let best = a;
      for (const value of args.slice(1)) {
        const greater = value.num * best.den > best.num * value.den;
        if (greater === (name === 'max')) best = value;
      }
      return best;
    }
    default:
      return undefined;
  }
}

/** True when two exact rationals are equal. @internal */
export function rationalEquals(a: Rational, b: Rational): boolean {
  return a.num === b.num && a.den === b.den;
}

/**
 * True when |a − b| ≤ atol + rtol·max(|a|, |b|); equal infinities compare equal, NaN never does.
 * @internal
 */
export function closeEnough(a: Complex, b: Complex, relativeTolerance: number, absoluteTolerance: number): boolean {
  if (Number.isNaN(a.re) || Number.isNaN(a.im) || Number.isNaN(b.re) || Number.isNaN(b.im)) return false;
  if (!Number.isFinite(a.re) || !Number.isFinite(b.re) || !Number.isFinite(a.im) || !Number.isFinite(b.im)) {
    return a.re === b.re && a.im === b.im;
  }
  const difference = Math.hypot(a.re - b.re, a.im - b.im);
  return difference <= absoluteTolerance + relativeTolerance * Math.max(modulus(a), modulus(b));
}

/** True when the value is finite (both parts). @internal */
export function isFiniteComplex(a: Complex): boolean {
  return Number.isFinite(a.re) && Number.isFinite(a.im);
}
