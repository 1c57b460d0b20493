import { createRng } from '@ares/core';
import { type AnswerNode, isScalar, type RelationOperator } from './answer-node';
import type { Budget } from './budget';
import { closeEnough, evaluateComplex, evaluateExact, isFiniteComplex, rationalEquals } from './evaluate';

/** Settings of one comparison. @internal */
export interface CompareSettings {
  /** Relative tolerance for numbers, 10^−precision. */
  readonly relativeTolerance: number;
  readonly budget: Budget;
  /** Compare decimal-free exact rationals exactly (integers never match within a tolerance). */
  readonly exactRationals: boolean;
}

const SAMPLE_POINTS = 6;
const MINIMUM_VALID_POINTS = 3;
const ABSOLUTE_TOLERANCE = 1e-12;
const SAMPLE_SEED = 0x5eed;
const MAX_PM_TERMS = 4;

const INFINITY: AnswerNode = { kind: 'constant', name: 'infinity' };
const NEGATIVE_INFINITY: AnswerNode = { kind: 'neg', argument: INFINITY };

/** Free symbols of a tree (constants excluded). @internal */
export function freeSymbols(node: AnswerNode, into: Set<string> = new Set()): Set<string> {
  forEachChild(node, (child) => freeSymbols(child, into));
  if (node.kind === 'symbol') into.add(node.name);
  return into;
}

function forEachChild(node: AnswerNode, visit: (child: AnswerNode) => void): void {
  switch (node.kind) {
    case 'add':
      node.terms.forEach(visit);
      break;
    case 'mul':
      node.factors.forEach(visit);
      break;
    case 'neg':
    case 'pm':
      visit(node.argument);
      break;
    case 'div':
      visit(node.numerator);
      visit(node.denominator);
      break;
    case 'pow':
      visit(node.base);
      visit(node.exponent);
      break;
    case 'call':
      node.args.forEach(visit);
      break;
    case 'relation':
      node.operands.forEach(visit);
      break;
    case 'sequence':
    case 'set':
    case 'list':
    case 'union':
      node.items.forEach(visit);
      break;
    case 'matrix':
      node.rows.forEach((row) => row.forEach(visit));
      break;
    default:
      break;
  }
}

function someNode(node: AnswerNode, predicate: (candidate: AnswerNode) => boolean): boolean {
  if (predicate(node)) return true;
  let found = false;
  forEachChild(node, (child) => {
    if (!found && someNode(child, predicate)) found = true;
  });
  return found;
}

function hasDecimal(node: AnswerNode): boolean {
  return someNode(node, (candidate) => candidate.kind === 'number' && candidate.decimal);
}

function hasInfinity(node: AnswerNode): boolean {
  return someNode(node, (candidate) => candidate.kind === 'constant' && candidate.name === 'infinity');
}

/** Replaces every `±a` by `+a` or `−a`, independently; up to 2^4 variants, else `undefined`. */
function expandPlusMinus(node: AnswerNode): AnswerNode[] | undefined {
  let count = 0;
  someNode(node, (candidate) => {
    if (candidate.kind === 'pm') count++;
    return false;
  });
  if (count === 0) return [node];
  if (count > MAX_PM_TERMS) return undefined;
  const variants: AnswerNode[] = [];
  for (let mask = 0; mask < 1 << count; mask++) {
    let index = 0;
    const substitute = (current: AnswerNode): AnswerNode => {
      if (current.kind === 'pm') {
        const minus = ((mask >> index++) & 1) === 1;
        const argument = substitute(current.argument);
        return minus !== current.minusFirst ? { kind: 'neg', argument } : argument;
      }
      return mapChildren(current, substitute);
    };
    variants.push(substitute(node));
  }
  return variants;
}

function mapChildren(node: AnswerNode, map: (child: AnswerNode) => AnswerNode): AnswerNode {
  switch (node.kind) {
    case 'add':
      return { kind: 'add', terms: node.terms.map(map) };
    case 'mul':
      return { kind: 'mul', factors: node.factors.map(map) };
    case 'neg':
      return { kind: 'neg', argument: map(node.argument) };
    case 'pm':
      return { kind: 'pm', argument: map(node.argument), minusFirst: node.minusFirst };
    case 'div':
      return { kind: 'div', numerator: map(node.numerator), denominator: map(node.denominator) };
    case 'pow':
      return { kind: 'pow', base: map(node.base), exponent: map(node.exponent) };
    case 'call':
      return { kind: 'call', name: node.name, args: node.args.map(map) };
    default:
      return node;
  }
}

const ORDER_OPERATORS: ReadonlySet<RelationOperator> = new Set(['<', '<=', '>', '>=']);

/** `x > 2` → (2, ∞); `1 ≤ |z| ≤ 3/2` → [1, 3/2]; `undefined` when the relation is not an interval. */
function inequalityToInterval(node: AnswerNode & { kind: 'relation' }): AnswerNode | undefined {
  if (!node.operators.every((operator) => ORDER_OPERATORS.has(operator))) return undefined;
  const variable = node.operands.map((operand) => freeSymbols(operand).size > 0);
  if (node.operands.length === 2) {
    const [left, right] = node.operands as [AnswerNode, AnswerNode];
    let operator = node.operators[0]!;
    let bound: AnswerNode;
    if (variable[0] && !variable[1]) bound = right;
    else if (!variable[0] && variable[1]) {
      bound = left;
      operator = flip(operator);
    } else return undefined;
    switch (operator) {
      case '<':
        return interval('(', NEGATIVE_INFINITY, bound, ')');
      case '<=':
        return interval('(', NEGATIVE_INFINITY, bound, ']');
      case '>':
        return interval('(', bound, INFINITY, ')');
      default:
        return interval('[', bound, INFINITY, ')');
    }
  }
  if (node.operands.length === 3 && !variable[0] && variable[1] && !variable[2]) {
    const [first, second] = node.operators as [RelationOperator, RelationOperator];
    const ascending = (first === '<' || first === '<=') && (second === '<' || second === '<=');
    const descending = (first === '>' || first === '>=') && (second === '>' || second === '>=');
    const low = node.operands[0]!;
    const high = node.operands[2]!;
    if (ascending) return interval(first === '<' ? '(' : '[', low, high, second === '<' ? ')' : ']');
    if (descending) return interval(second === '>' ? '(' : '[', high, low, first === '>' ? ')' : ']');
  }
  return undefined;
}

function flip(operator: RelationOperator): RelationOperator {
  switch (operator) {
    case '<':
      return '>';
    case '<=':
      return '>=';
    case '>':
      return '<';
    case '>=':
      return '<=';
    default:
      return operator;
  }
}

function interval(open: '(' | '[', low: AnswerNode, high: AnswerNode, close: ')' | ']'): AnswerNode {
  return { kind: 'sequence', open, close, items: [low, high] };
}

/** Puts a tree into the shape that comparison expects (intervals for inequalities, sets for `±`). @internal */
export function canonicalize(node: AnswerNode): AnswerNode | undefined {
  switch (node.kind) {
    case 'relation': {
      if (node.operators.length === 1 && node.operators[0] === 'in') return canonicalize(node.operands[1]!);
      const asInterval = inequalityToInterval(node);
      if (asInterval !== undefined) return asInterval;
      return node;
    }
    case 'list':
    case 'set': {
      const items: AnswerNode[] = [];
      for (const item of node.items) {
        const canonical = canonicalize(item);
        if (canonical === undefined) return undefined;
        items.push(canonical);
      }
      if (node.kind === 'list' && items.length > 1 && items.every((item) => item.kind === 'sequence') && node.items.every((item) => item.kind === 'relation')) {
        return { kind: 'union', items };
      }
      return { kind: node.kind, items };
    }
    case 'union': {
      const items: AnswerNode[] = [];
      for (const item of node.items) {
        const canonical = canonicalize(item);
        if (canonical === undefined) return undefined;
        items.push(canonical);
      }
      return { kind: 'union', items };
    }
    default: {
      if (!isScalar(node)) return node;
      const variants = expandPlusMinus(node);
      if (variants === undefined) return undefined;
      return variants.length === 1 ? variants[0]! : { kind: 'set', items: variants };
    }
  }
}

function isBareSymbol(node: AnswerNode): boolean {
  return node.kind === 'symbol';
}

/** The value side of `x = value` (or `value = x`), else `undefined`. */
function equationValue(node: AnswerNode): AnswerNode | undefined {
  if (node.kind !== 'relation' || !node.operators.every((operator) => operator === '=')) return undefined;
  const operands = node.operands;
  if (operands.length === 2) {
    if (isBareSymbol(operands[0]!) && !isBareSymbol(operands[1]!)) return operands[1];
    if (isBareSymbol(operands[1]!) && !isBareSymbol(operands[0]!)) return operands[0];
    if (isBareSymbol(operands[0]!) && isBareSymbol(operands[1]!)) return undefined;
  }
  if (operands.length > 2 && isBareSymbol(operands[0]!)) return operands[operands.length - 1];
  return undefined;
}

/**
 * Gold-first equivalence of two canonical trees.
 * @internal
 */
export function nodesEquivalent(gold: AnswerNode, prediction: AnswerNode, settings: CompareSettings): boolean {
  settings.budget.tick();
  if (gold.kind === 'relation' && prediction.kind === 'relation') return relationsEquivalent(gold, prediction, settings);
  if (gold.kind === 'relation') {
    const value = equationValue(gold);
    return value !== undefined && nodesEquivalent(canonicalize(value) ?? value, prediction, settings);
  }
  if (prediction.kind === 'relation') {
    const value = equationValue(prediction);
    return value !== undefined && nodesEquivalent(gold, canonicalize(value) ?? value, settings);
  }
  if (gold.kind === 'set' || gold.kind === 'list' || gold.kind === 'union') {
    if (prediction.kind === 'set' || prediction.kind === 'list' || prediction.kind === 'union') {
      if ((gold.kind === 'union') !== (prediction.kind === 'union')) return false;
      return unorderedEquivalent(gold.items, prediction.items, settings);
    }
    return false;
  }
  if (prediction.kind === 'set' || prediction.kind === 'list' || prediction.kind === 'union') return false;
  if (gold.kind === 'sequence' || gold.kind === 'matrix') {
    const goldItems = sequenceItems(gold);
    const predictionItems = sequenceItems(prediction);
    if (gold.kind === 'sequence' && prediction.kind === 'sequence') {
      if (gold.open !== prediction.open || gold.close !== prediction.close) return false;
    } else if (gold.kind === 'matrix' && prediction.kind === 'matrix') {
      if (gold.rows.length !== prediction.rows.length || gold.rows[0]!.length !== prediction.rows[0]!.length) return false;
    } else if (goldItems === undefined || predictionItems === undefined) return false;
    if (goldItems === undefined || predictionItems === undefined || goldItems.length !== predictionItems.length) return false;
    return goldItems.every((item, index) => elementEquivalent(item, predictionItems[index]!, settings));
  }
  if (prediction.kind === 'sequence' || prediction.kind === 'matrix') return false;
  if (gold.kind === 'text' || prediction.kind === 'text') {
    return gold.kind === 'text' && prediction.kind === 'text' && normalizeText(gold.value) === normalizeText(prediction.value);
  }
  return scalarsEquivalent(gold, prediction, settings);
}

function elementEquivalent(gold: AnswerNode, prediction: AnswerNode, settings: CompareSettings): boolean {
  const goldCanonical = canonicalize(gold);
  const predictionCanonical = canonicalize(prediction);
  return goldCanonical !== undefined && predictionCanonical !== undefined && nodesEquivalent(goldCanonical, predictionCanonical, settings);
}

/** Items of a sequence, of a matrix in row-major order, or of a vector-shaped matrix (1 row or 1 column). */
function sequenceItems(node: AnswerNode): readonly AnswerNode[] | undefined {
  if (node.kind === 'sequence') return node.items;
  if (node.kind === 'matrix') return node.rows.flat();
  return undefined;
}

/** `num/den` of a decimal-free constant scalar, the key under which exact values match; else `undefined`. */
function exactKey(node: AnswerNode, settings: CompareSettings): string | undefined {
  if (!settings.exactRationals || !isScalar(node) || hasDecimal(node) || freeSymbols(node).size > 0) return undefined;
  const value = evaluateExact(node, settings.budget);
  return value === undefined ? undefined : `${value.num}/${value.den}`;
}

function unorderedEquivalent(goldItems: readonly AnswerNode[], predictionItems: readonly AnswerNode[], settings: CompareSettings): boolean {
  if (goldItems.length !== predictionItems.length) return false;
  const canonicalGold: AnswerNode[] = [];
  const canonicalPrediction: AnswerNode[] = [];
  for (const item of goldItems) {
    const canonical = canonicalize(item);
    if (canonical === undefined) return false;
    canonicalGold.push(canonical);
  }
  for (const item of predictionItems) {
    const canonical = canonicalize(item);
    if (canonical === undefined) return false;
    canonicalPrediction.push(canonical);
  }
  // Exact rationals pair up through a hash map first (linear for large sets of numbers); the rest greedily.
  const used = new Uint8Array(canonicalPrediction.length);
  const byKey = new Map<string, number[]>();
  canonicalPrediction.forEach((item, index) => {
    settings.budget.tick();
    const key = exactKey(item, settings);
    if (key === undefined) return;
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [index]);
    else list.push(index);
  });
  const remaining: AnswerNode[] = [];
  for (const goldItem of canonicalGold) {
    settings.budget.tick();
    const key = exactKey(goldItem, settings);
    const candidates = key === undefined ? undefined : byKey.get(key);
    const index = candidates?.pop();
    if (index === undefined) remaining.push(goldItem);
    else used[index] = 1;
  }
  for (const goldItem of remaining) {
    let matched = false;
    for (let index = 0; index < canonicalPrediction.length; index++) {
      if (used[index] === 1) continue;
      settings.budget.tick();
      if (nodesEquivalent(goldItem, canonicalPrediction[index]!, settings)) {
        used[index] = 1;
        matched = true;
        break;
      }
    }
    if (!matched) return false;
  }
  return true;
}

function relationsEquivalent(gold: AnswerNode & { kind: 'relation' }, prediction: AnswerNode & { kind: 'relation' }, settings: CompareSettings): boolean {
  if (gold.operators.length !== 1 || prediction.operators.length !== 1) {
    const goldValue = equationValue(gold);
    const predictionValue = equationValue(prediction);
    return goldValue !== undefined && predictionValue !== undefined && elementEquivalent(goldValue, predictionValue, settings);
  }
  const goldOperator = gold.operators[0]!;
  const predictionOperator = prediction.operators[0]!;
  const [goldLeft, goldRight] = gold.operands as [AnswerNode, AnswerNode];
  const [predictionLeft, predictionRight] = prediction.operands as [AnswerNode, AnswerNode];
  if (goldOperator === '=' && predictionOperator === '=') {
    if (isBareSymbol(goldLeft) && isBareSymbol(predictionLeft) && goldLeft.kind === 'symbol' && predictionLeft.kind === 'symbol' && goldLeft.name === predictionLeft.name) {
      return elementEquivalent(goldRight, predictionRight, settings);
    }
    // General equations: the differences lhs − rhs must be proportional.
    return proportional(difference(goldLeft, goldRight), difference(predictionLeft, predictionRight), settings);
  }
  if (goldOperator === '!=' || predictionOperator === '!=') {
    return goldOperator === predictionOperator && scalarsEquivalent(difference(goldLeft, goldRight), difference(predictionLeft, predictionRight), settings);
  }
  return false;
}

function difference(left: AnswerNode, right: AnswerNode): AnswerNode {
  return { kind: 'add', terms: [left, { kind: 'neg', argument: right }] };
}

function samplePoints(symbols: readonly string[]): Map<string, number>[] {
  const random = createRng(SAMPLE_SEED);
  const points: Map<string, number>[] = [];
  for (let point = 0; point < SAMPLE_POINTS; point++) {
    const values = new Map<string, number>();
    for (const symbol of symbols) values.set(symbol, 0.5 + 2 * random());
    points.push(values);
  }
  return points;
}

function proportional(gold: AnswerNode, prediction: AnswerNode, settings: CompareSettings): boolean {
  if (!isScalar(gold) || !isScalar(prediction)) return false;
  const symbols = [...freeSymbols(gold, freeSymbols(prediction))].sort();
  if (symbols.length === 0) return false;
  let ratio: { re: number; im: number } | undefined;
  let valid = 0;
  for (const point of samplePoints(symbols)) {
    const goldValue = evaluateComplex(gold, point, settings.budget);
    const predictionValue = evaluateComplex(prediction, point, settings.budget);
    if (!isFiniteComplex(goldValue) || !isFiniteComplex(predictionValue)) continue;
    const goldZero = Math.hypot(goldValue.re, goldValue.im) <= ABSOLUTE_TOLERANCE;
    const predictionZero = Math.hypot(predictionValue.re, predictionValue.im) <= ABSOLUTE_TOLERANCE;
    if (goldZero || predictionZero) {
      if (goldZero !== predictionZero) return false;
      valid++;
      continue;
    }
    const scale = predictionValue.re * predictionValue.re + predictionValue.im * predictionValue.im;
    const current = {
      re: (goldValue.re * predictionValue.re + goldValue.im * predictionValue.im) / scale,
      im: (goldValue.im * predictionValue.re - goldValue.re * predictionValue.im) / scale,
    };
    if (ratio === undefined) ratio = current;
    else if (!closeEnough(ratio, current, settings.relativeTolerance, ABSOLUTE_TOLERANCE)) return false;
    valid++;
  }
  return valid >= MINIMUM_VALID_POINTS && ratio !== undefined;
}

/**
 * Scalar equivalence: exact over the rationals when both sides are decimal-free rationals; else numeric with
 * relative tolerance, at 6 seeded sample points when free symbols occur.
 * @internal
 */
export function scalarsEquivalent(gold: AnswerNode, prediction: AnswerNode, settings: CompareSettings): boolean {
  if (!isScalar(gold) || !isScalar(prediction)) return false;
  const symbols = [...freeSymbols(gold, freeSymbols(prediction))].sort();
  const { budget, relativeTolerance } = settings;
  if (symbols.length === 0) {
    const goldExact = evaluateExact(gold, budget);
    const predictionExact = evaluateExact(prediction, budget);
    if (goldExact !== undefined && predictionExact !== undefined && settings.exactRationals && !hasDecimal(gold) && !hasDecimal(prediction)) {
      return rationalEquals(goldExact, predictionExact);
    }
    const goldValue = evaluateComplex(gold, new Map(), budget);
    const predictionValue = evaluateComplex(prediction, new Map(), budget);
    if (!isFiniteComplex(goldValue) || !isFiniteComplex(predictionValue)) {
      // Overflow (2^{10^{10}}) is inconclusive; only a written ∞ equals ∞.
      if (!hasInfinity(gold) || !hasInfinity(prediction)) return false;
    }
    return closeEnough(goldValue, predictionValue, relativeTolerance, ABSOLUTE_TOLERANCE);
  }
  let valid = 0;
  for (const point of samplePoints(symbols)) {
    const goldValue = evaluateComplex(gold, point, budget);
    const predictionValue = evaluateComplex(prediction, point, budget);
    const goldFinite = isFiniteComplex(goldValue);
    const predictionFinite = isFiniteComplex(predictionValue);
    if (!goldFinite || !predictionFinite) {
      if (goldFinite !== predictionFinite && !Number.isNaN(goldValue.re) && !Number.isNaN(predictionValue.re)) return false;
      continue;
    }
    if (!closeEnough(goldValue, predictionValue, relativeTolerance, 1e-9)) return false;
    valid++;
  }
  return valid >= MINIMUM_VALID_POINTS;
}

/** Lower case, no spaces, braces, quotes or final punctuation: the form in which text answers are compared. @internal */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/\\text\{|\\mathrm\{|[{}"'`*]/g, '')
    .replace(/\s+/g, '')
    .replace(/[.,;:!]+$/, '');
}
