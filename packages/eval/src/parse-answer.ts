import type { AnswerNode, RelationOperator } from './answer-node';
import { type Budget, UNLIMITED_BUDGET } from './budget';

/** Raised when an answer is not a math expression this parser knows; the caller falls back to text. @internal */
export class ParseFailure extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ParseFailure';
  }
}

type TokenType = 'number' | 'name' | 'command' | 'symbol' | 'word' | 'begin' | 'end' | 'eof';
interface Token {
  readonly type: TokenType;
  text: string;
  /** Whitespace precedes the token. */
  readonly space: boolean;
}

const GREEK = new Set([
  'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'varepsilon', 'zeta', 'eta', 'theta', 'vartheta', 'iota', 'kappa',
  'lambda', 'mu', 'nu', 'xi', 'rho', 'varrho', 'sigma', 'varsigma', 'tau', 'upsilon', 'phi', 'varphi', 'chi', 'psi',
  'omega', 'Gamma', 'Delta', 'Theta', 'Lambda', 'Xi', 'Sigma', 'Upsilon', 'Phi', 'Psi', 'Omega',
]);

/** One-argument functions, LaTeX command or plain-text name → canonical name. */
const FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ['sin', 'sin'], ['cos', 'cos'], ['tan', 'tan'], ['sec', 'sec'], ['csc', 'csc'], ['cot', 'cot'],
  ['arcsin', 'asin'], ['arccos', 'acos'], ['arctan', 'atan'], ['asin', 'asin'], ['acos', 'acos'], ['atan', 'atan'],
  ['sinh', 'sinh'], ['cosh', 'cosh'], ['tanh', 'tanh'], ['ln', 'ln'], ['log', 'log'], ['lg', 'log10'],
  ['exp', 'exp'], ['sqrt', 'sqrt'], ['abs', 'abs'], ['floor', 'floor'], ['ceil', 'ceil'],
]);

const MULTI_ARGUMENT_FUNCTIONS = new Set(['max', 'min', 'gcd', 'lcm']);

/** Plain-text words the lexer keeps whole. */
const KNOWN_WORDS = new Set([...FUNCTIONS.keys(), ...MULTI_ARGUMENT_FUNCTIONS, 'pi', 'inf', 'infty', 'infinity', 'and', 'or']);

/** Single-word answers that are text, not a product of letters. */
const TEXT_WORDS = new Set(['yes', 'no', 'true', 'false', 'none', 'neither', 'both', 'all', 'odd', 'even', 'not', 'nan']);

const MULTIPLY_COMMANDS = new Set(['cdot', 'times', 'ast', 'div']);
const RELATION_COMMANDS: ReadonlyMap<string, RelationOperator> = new Map([
  ['le', '<='], ['leq', '<='], ['leqslant', '<='], ['ge', '>='], ['geq', '>='], ['geqslant', '>='], ['lt', '<'],
  ['gt', '>'], ['ne', '!='], ['neq', '!='], ['approx', '='], ['in', 'in'],
]);
const RELATION_SYMBOLS: ReadonlyMap<string, RelationOperator> = new Map([
  ['=', '='], ['<', '<'], ['>', '>'], ['<=', '<='], ['>=', '>='], ['!=', '!='],
]);
const MATRIX_ENVIRONMENTS = new Set(['pmatrix', 'bmatrix', 'Bmatrix', 'vmatrix', 'Vmatrix', 'matrix', 'smallmatrix', 'array']);
const IGNORED_DECORATIONS = new Set(['vec', 'hat', 'bar', 'tilde', 'mathcal', 'mathscr', 'widehat', 'widetilde', 'mathbf', 'boldsymbol']);

const MAX_DEPTH = 200;

/**
 * Splits a normalised answer into tokens.
 * @internal
 */
export function tokenize(text: string, budget: Budget = UNLIMITED_BUDGET): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let depth = 0;
  let space = false;
  const push = (type: TokenType, tokenText: string): void => {
    tokens.push({ type, text: tokenText, space });
    space = false;
  };
  while (index < text.length) {
    budget.tick();
    const character = text[index]!;
    if (character === ' ' || character === '\t' || character === '\n' || character === '\r') {
      space = true;
      index++;
      continue;
    }
    if (isDigit(character) || (character === '.' && isDigit(text[index + 1] ?? ''))) {
      let end = index;
      while (end < text.length && isDigit(text[end]!)) end++;
      // Thousands separators at the top level: 1,000,000 (groups of exactly three digits).
      if (depth === 0 && end - index <= 3 && end > index && (index === 0 || !isDigit(text[index - 1]!))) {
        let cursor = end;
        while (text[cursor] === ',' && isDigit(text[cursor + 1] ?? '') && isDigit(text[cursor + 2] ?? '') && isDigit(text[cursor + 3] ?? '') && !isDigit(text[cursor + 4] ?? '')) cursor += 4;
        end = cursor;
      }
      if (text[end] === '.' && isDigit(text[end + 1] ?? '')) {
        end++;
        while (end < text.length && isDigit(text[end]!)) end++;
      } else if (text[end] === '.' && end > index && !isLetter(text[end + 1] ?? '') && text[end + 1] !== '.' && end + 1 === text.length) {
        end++; // "5." at the very end
      }
      // Scientific notation: 1e5, 2.5E-3 (not 2e as 2·e, nor 3ex).
      const exponent = /^[eE][+-]?\d+/.exec(text.slice(end, end + 12));
      if (exponent !== null && !isLetter(text[end + exponent[0].length] ?? '')) end += exponent[0].length;
      push('number', text.slice(index, end).replace(/,/g, ''));
      index = end;
      continue;
    }
    if (isLetter(character)) {
      let end = index;
      while (end < text.length && isLetter(text[end]!)) end++;
      splitLetters(text.slice(index, end), push);
      index = end;
      continue;
    }
    if (character === '\\') {
      const next = text[index + 1] ?? '';
      if (isLetter(next)) {
        let end = index + 1;
        while (end < text.length && isLetter(text[end]!)) end++;
        const name = text.slice(index + 1, end);
        if (name === 'begin' || name === 'end') {
          const environment = /^\s*\{([a-zA-Z*]+)\}/.exec(text.slice(end, end + 40));
          if (environment === null) throw new ParseFailure(`\\${name} without an environment`);
          push(name, environment[1]!);
          index = end + environment[0].length;
          if (name === 'begin' && environment[1] === 'array') {
            // Skip the column specification {cc|c}.
            const spec = /^\s*\{[^{}]*\}/.exec(text.slice(index, index + 80));
            if (spec !== null) index += spec[0].length;
          }
          continue;
        }
        push('command', name);
        index = end;
        continue;
      }
      if (next === '{' || next === '}') {
        depth += next === '{' ? 1 : -1;
        push('symbol', '\\' + next);
        index += 2;
        continue;
      }
      if (next === '\\') {
        push('symbol', '\\\\');
        index += 2;
        continue;
      }
      if (next === '|') {
        push('symbol', '|');
        index += 2;
        continue;
      }
      throw new ParseFailure(`unknown escape \\${next}`);
    }
    const two = text.slice(index, index + 2);
    if (two === '<=' || two === '>=' || two === '!=' || two === '**') {
      push('symbol', two === '**' ? '^' : two);
      index += 2;
      continue;
    }
    if ('([{'.includes(character)) depth++;
    else if (')]}'.includes(character)) depth--;
    if ('+-*/^_!=<>,;&|()[]{}\''.includes(character)) {
      push('symbol', character);
      index++;
      continue;
    }
    throw new ParseFailure(`unexpected character ${JSON.stringify(character)}`);
  }
  push('eof', '');
  return tokens;
}

function splitLetters(run: string, push: (type: TokenType, text: string) => void): void {
  const lower = run.toLowerCase();
  if (KNOWN_WORDS.has(run)) {
    push(run === 'and' || run === 'or' ? 'word' : 'name', run);
    return;
  }
  if (TEXT_WORDS.has(lower)) {
    push('word', run);
    return;
  }
  for (const name of [...FUNCTIONS.keys(), ...MULTI_ARGUMENT_FUNCTIONS, 'pi']) {
    if (run.startsWith(name) && run.length - name.length <= 3 && run.length > name.length) {
      push('name', name);
      for (const letter of run.slice(name.length)) push('name', letter);
      return;
    }
  }
  if (run.length <= 3) {
    for (const letter of run) push('name', letter);
    return;
  }
  push('word', run);
}

function isDigit(character: string): boolean {
  return character >= '0' && character <= '9';
}

function isLetter(character: string): boolean {
  return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
}

/**
 * Recursive-descent parser over the token list. Precedence, low to high: list (`,` `;` "and" "or"), relation,
 * union (`\cup`), additive (`+ - \pm`), multiplicative (`* / \cdot \times \div`, implicit), unary sign, power,
 * postfix `!`, primary.
 */
class Parser {
  private position = 0;
  private depth = 0;
  private absoluteDepth = 0;

  constructor(private readonly tokens: Token[], private readonly budget: Budget) {}

  parseAll(): AnswerNode {
    const node = this.parseList(new Set());
    if (this.peek().type !== 'eof') throw new ParseFailure(`unexpected ${this.peek().text}`);
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    this.budget.tick();
    const token = this.peek();
    if (this.position < this.tokens.length - 1) this.position++;
    return token;
  }

  private isSymbol(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.type === 'symbol' && token.text === text;
  }

  private isCommand(name: string): boolean {
    const token = this.peek();
    return token.type === 'command' && token.text === name;
  }

  private expectSymbol(text: string): void {
    if (!this.isSymbol(text)) throw new ParseFailure(`expected ${text}, got ${this.peek().text || 'end'}`);
    this.next();
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new ParseFailure('nesting too deep');
  }

  private leave(): void {
    this.depth--;
  }

  private isSeparator(): boolean {
    const token = this.peek();
    return (token.type === 'symbol' && (token.text === ',' || token.text === ';')) || (token.type === 'word' && (token.text === 'and' || token.text === 'or'));
  }

  /** Items separated by `,` `;` "and" "or" up to a closer; one item is returned as itself. */
  private parseList(closers: ReadonlySet<string>): AnswerNode {
    this.enter();
    const items: AnswerNode[] = [];
    for (;;) {
      const token = this.peek();
      if (token.type === 'eof' || (token.type === 'symbol' && closers.has(token.text))) break;
      if (this.isSeparator()) {
        this.next();
        continue;
      }
      items.push(this.parseRelation());
      if (!this.isSeparator()) break;
    }
    this.leave();
    if (items.length === 0) throw new ParseFailure('empty');
    return items.length === 1 ? items[0]! : { kind: 'list', items };
  }

  private relationOperator(): RelationOperator | undefined {
    const token = this.peek();
    if (token.type === 'symbol') return RELATION_SYMBOLS.get(token.text);
    if (token.type === 'command') return RELATION_COMMANDS.get(token.text);
    return undefined;
  }

  private parseRelation(): AnswerNode {
    const first = this.parseUnion();
    const operators: RelationOperator[] = [];
    const operands: AnswerNode[] = [first];
    for (let operator = this.relationOperator(); operator !== undefined; operator = this.relationOperator()) {
      this.next();
      operators.push(operator);
      operands.push(this.parseUnion());
    }
    return operators.length === 0 ? first : { kind: 'relation', operators, operands };
  }

  private parseUnion(): AnswerNode {
    const first = this.parseAdditive();
    const items = [first];
    while (this.isCommand('cup') || (this.peek().type === 'name' && this.peek().text === 'U' && this.peek(1).type === 'symbol' && '(['.includes(this.peek(1).text))) {
      this.next();
      items.push(this.parseAdditive());
    }
    return items.length === 1 ? first : { kind: 'union', items };
  }

  private parseAdditive(): AnswerNode {
    this.enter();
    const terms: AnswerNode[] = [this.parseTerm()];
    for (;;) {
      if (this.isSymbol('+')) {
        this.next();
        terms.push(this.parseTerm());
      } else if (this.isSymbol('-')) {
        this.next();
        terms.push(negate(this.parseTerm()));
      } else if (this.isCommand('pm') || this.isCommand('mp')) {
        const minusFirst = this.next().text === 'mp';
        terms.push({ kind: 'pm', argument: this.parseTerm(), minusFirst });
      } else break;
    }
    this.leave();
    return terms.length === 1 ? terms[0]! : { kind: 'add', terms };
  }

  private parseTerm(): AnswerNode {
    this.enter();
    let left = this.parseUnary();
    for (;;) {
      const token = this.peek();
      if (token.type === 'symbol' && token.text === '*') {
        this.next();
        left = multiply(left, this.parseUnary());
      } else if (token.type === 'command' && MULTIPLY_COMMANDS.has(token.text)) {
        this.next();
        const right = this.parseUnary();
        left = token.text === 'div' ? { kind: 'div', numerator: left, denominator: right } : multiply(left, right);
      } else if (token.type === 'symbol' && token.text === '/') {
        this.next();
        left = { kind: 'div', numerator: left, denominator: this.parseUnary() };
      } else if (this.startsImplicitFactor()) {
        left = multiply(left, this.parsePower());
      } else break;
    }
    this.leave();
    return left;
  }

  private startsImplicitFactor(): boolean {
    const token = this.peek();
    switch (token.type) {
      case 'number':
      case 'name':
      case 'begin':
        return true;
      case 'command':
        return !MULTIPLY_COMMANDS.has(token.text) && !RELATION_COMMANDS.has(token.text) && !['pm', 'mp', 'cup', 'cap', 'setminus', 'rfloor', 'rceil', 'rvert', 'right'].includes(token.text);
      case 'symbol':
        return token.text === '(' || token.text === '{' || (token.text === '|' && this.absoluteDepth === 0);
      default:
        return false;
    }
  }

  private parseUnary(): AnswerNode {
    this.enter();
    let result: AnswerNode;
    if (this.isSymbol('-')) {
      this.next();
      result = negate(this.parseUnary());
    } else if (this.isSymbol('+')) {
      this.next();
      result = this.parseUnary();
    } else if (this.isCommand('pm') || this.isCommand('mp')) {
      const minusFirst = this.next().text === 'mp';
      result = { kind: 'pm', argument: this.parseUnary(), minusFirst };
    } else result = this.parsePower();
    this.leave();
    return result;
  }

  private parsePower(): AnswerNode {
    this.enter();
    let base = this.parsePostfix(this.parsePrimary());
    if (this.isSymbol('^')) {
      this.next();
      const exponent = this.parseExponent();
      base = this.parsePostfix({ kind: 'pow', base, exponent });
    }
    this.leave();
    return base;
  }

  private parsePostfix(node: AnswerNode): AnswerNode {
    let result = node;
    while (this.isSymbol('!')) {
      this.next();
      result = { kind: 'call', name: 'factorial', args: [result] };
    }
    while (this.isSymbol("'")) throw new ParseFailure('prime');
    return result;
  }

  private parseExponent(): AnswerNode {
    this.enter();
    let result: AnswerNode;
    if (this.isSymbol('-')) {
      this.next();
      result = negate(this.parseExponent());
    } else if (this.isSymbol('+')) {
      this.next();
      result = this.parseExponent();
    } else {
      const atom = this.parsePrimary();
      if (this.isSymbol('^')) {
        this.next();
        result = { kind: 'pow', base: atom, exponent: this.parseExponent() };
      } else result = atom;
    }
    this.leave();
    return result;
  }

  /** A braced group `{…}`, or one token (one digit of a number, as LaTeX reads `\frac12`). */
  private parseArgument(): AnswerNode {
    if (this.isSymbol('{')) {
      this.next();
      const inner = this.parseList(new Set(['}']));
      this.expectSymbol('}');
      return inner;
    }
    const token = this.peek();
    if (token.type === 'number' && token.text.length > 1) {
      const digit = token.text[0]!;
      token.text = token.text.slice(1);
      return numberNode(digit);
    }
    if (token.type === 'number' || token.type === 'name' || token.type === 'command') return this.parsePrimary();
    throw new ParseFailure('missing argument');
  }

  private parseGroupUntil(closer: string): AnswerNode {
    const inner = this.parseList(new Set([closer]));
    this.expectSymbol(closer);
    return inner;
  }

  private parsePrimary(): AnswerNode {
    this.enter();
    const result = this.parsePrimaryInner();
    this.leave();
    return result;
  }

  private parsePrimaryInner(): AnswerNode {
    const token = this.next();
    switch (token.type) {
      case 'number':
        return this.parseNumber(token);
      case 'name':
        return this.parseName(token);
      case 'command':
        return this.parseCommand(token.text);
      case 'begin':
        return this.parseEnvironment(token.text);
      case 'symbol':
        return this.parseBracket(token.text);
      default:
        throw new ParseFailure(`unexpected ${token.text || 'end'}`);
    }
  }

  private parseNumber(token: Token): AnswerNode {
    const node = numberNode(token.text);
    // Mixed numbers: 2\frac{1}{2} and "7 3/4" are sums.
    if (!node.decimal && this.isCommand('frac')) {
      const save = this.position;
      this.next();
      const numerator = this.parseArgument();
      const denominator = this.parseArgument();
      if (isIntegerLiteral(numerator) && isIntegerLiteral(denominator)) {
        return { kind: 'add', terms: [node, { kind: 'div', numerator, denominator }] };
      }
      this.position = save;
      return node;
    }
    const next = this.peek();
    if (!node.decimal && next.type === 'number' && next.space && !next.text.includes('.') && this.isSymbol('/', 1) && this.peek(2).type === 'number' && !this.peek(2).text.includes('.')) {
      const after = this.peek(3);
      if (after.type === 'eof' || (after.type === 'symbol' && [',', ';', ')', ']', '}', '\\}'].includes(after.text))) {
        this.next();
        this.next();
        const denominator = this.next();
        return { kind: 'add', terms: [node, { kind: 'div', numerator: numberNode(next.text), denominator: numberNode(denominator.text) }] };
      }
    }
    return node;
  }

  private parseName(token: Token): AnswerNode {
    const name = token.text;
    if (name === 'pi') return { kind: 'constant', name: 'pi' };
    if (name === 'inf' || name === 'infty' || name === 'infinity') return { kind: 'constant', name: 'infinity' };
    if (FUNCTIONS.has(name)) return this.parseFunction(FUNCTIONS.get(name)!);
    if (MULTI_ARGUMENT_FUNCTIONS.has(name)) return this.parseMultiArgument(name);
    if (name === 'e' && !this.isSymbol('_')) return { kind: 'constant', name: 'e' };
    if (name === 'i' && !this.isSymbol('_')) return { kind: 'constant', name: 'i' };
    return this.parseSubscript(name);
  }

  private parseSubscript(name: string): AnswerNode {
    if (!this.isSymbol('_')) return { kind: 'symbol', name };
    this.next();
    if (this.isSymbol('{')) {
      this.next();
      let text = '';
      let depth = 1;
      for (;;) {
        const token = this.next();
        if (token.type === 'eof') throw new ParseFailure('unclosed subscript');
        if (token.type === 'symbol' && token.text === '{') depth++;
        if (token.type === 'symbol' && token.text === '}' && --depth === 0) break;
        text += token.text;
      }
      return { kind: 'symbol', name: `${name}_${text}` };
    }
    const token = this.next();
    if (token.type === 'number') {
      const digit = token.text[0]!;
      if (token.text.length > 1) throw new ParseFailure('ambiguous subscript');
      return { kind: 'symbol', name: `${name}_${digit}` };
    }
    if (token.type === 'name' || token.type === 'command') return { kind: 'symbol', name: `${name}_${token.text}` };
    throw new ParseFailure('bad subscript');
  }

  private parseFunction(name: string): AnswerNode {
    let power: AnswerNode | undefined;
    let base: AnswerNode | undefined;
    if (name === 'log' && this.isSymbol('_')) {
      this.next();
      base = this.parseArgument();
    }
    if (this.isSymbol('^')) {
      this.next();
      power = this.parseExponent();
    }
    let argument: AnswerNode;
    if (this.isSymbol('(')) {
      this.next();
      argument = this.parseGroupUntil(')');
    } else if (this.isSymbol('{')) {
      argument = this.parseArgument();
    } else {
      // \sin 2x: the argument is an implicit product of powers.
      argument = this.parsePower();
      while (this.startsImplicitFactor() && !(this.peek().type === 'command' && (FUNCTIONS.has(this.peek().text) || this.peek().text === 'frac'))) {
        argument = multiply(argument, this.parsePower());
      }
    }
    let call: AnswerNode = base === undefined ? { kind: 'call', name, args: [argument] } : { kind: 'call', name: 'logb', args: [base, argument] };
    if (power !== undefined) {
      if (power.kind === 'neg' && power.argument.kind === 'number' && power.argument.value === 1 && ['sin', 'cos', 'tan'].includes(name)) {
        call = { kind: 'call', name: `a${name}`, args: [argument] };
      } else call = { kind: 'pow', base: call, exponent: power };
    }
    return call;
  }

  private parseMultiArgument(name: string): AnswerNode {
    let open = '(';
    if (this.isSymbol('{')) open = '{';
    else if (!this.isSymbol('(')) throw new ParseFailure(`${name} needs parentheses`);
    this.next();
    const inner = this.parseGroupUntil(open === '(' ? ')' : '}');
    const args = inner.kind === 'list' ? inner.items : [inner];
    return { kind: 'call', name, args };
  }

  private parseCommand(name: string): AnswerNode {
    switch (name) {
      case 'frac': {
        const numerator = this.parseArgument();
        const denominator = this.parseArgument();
        return { kind: 'div', numerator, denominator };
      }
      case 'sqrt': {
        if (this.isSymbol('[')) {
          this.next();
          const index = this.parseGroupUntil(']');
          return { kind: 'call', name: 'root', args: [index, this.parseArgument()] };
        }
        return { kind: 'call', name: 'sqrt', args: [this.parseArgument()] };
      }
      case 'binom': {
        const n = this.parseArgument();
        return { kind: 'call', name: 'binom', args: [n, this.parseArgument()] };
      }
      case 'pi':
        return { kind: 'constant', name: 'pi' };
      case 'infty':
      case 'infinity':
        return { kind: 'constant', name: 'infinity' };
      case 'imath':
        return { kind: 'constant', name: 'i' };
      case 'emptyset':
      case 'varnothing':
        return { kind: 'set', items: [] };
      case 'lfloor':
      case 'lceil': {
        const inner = this.parseAdditive();
        const closer = name === 'lfloor' ? 'rfloor' : 'rceil';
        if (!this.isCommand(closer)) throw new ParseFailure(`expected \\${closer}`);
        this.next();
        return { kind: 'call', name: name === 'lfloor' ? 'floor' : 'ceil', args: [inner] };
      }
      case 'vert':
      case 'lvert':
      case 'mid':
        return this.parseAbsolute(name === 'lvert' ? 'rvert' : name);
      case 'mathbb': {
        const letter = this.parseArgument();
        if (letter.kind === 'symbol' && letter.name === 'R') {
          return { kind: 'sequence', open: '(', close: ')', items: [{ kind: 'neg', argument: { kind: 'constant', name: 'infinity' } }, { kind: 'constant', name: 'infinity' }] };
        }
        if (letter.kind === 'symbol') return { kind: 'symbol', name: `mathbb_${letter.name}` };
        throw new ParseFailure('mathbb');
      }
      case 'overline':
        throw new ParseFailure('overline');
      default:
        break;
    }
    if (GREEK.has(name)) return this.parseSubscript(name);
    if (FUNCTIONS.has(name)) return this.parseFunction(FUNCTIONS.get(name)!);
    if (MULTI_ARGUMENT_FUNCTIONS.has(name)) return this.parseMultiArgument(name);
    if (IGNORED_DECORATIONS.has(name)) return this.parseArgument();
    throw new ParseFailure(`unknown command \\${name}`);
  }

  private parseAbsolute(closer: string): AnswerNode {
    this.absoluteDepth++;
    const inner = this.parseAdditive();
    this.absoluteDepth--;
    const token = this.next();
    const closes = (token.type === 'command' && (token.text === closer || token.text === 'vert' || token.text === 'rvert')) || (token.type === 'symbol' && token.text === '|');
    if (!closes) throw new ParseFailure('unclosed absolute value');
    return { kind: 'call', name: 'abs', args: [inner] };
  }

  private parseBracket(open: string): AnswerNode {
    if (open === '|') return this.parseAbsolute('|');
    if (open === '(' || open === '[') {
      const inner = this.parseList(new Set([')', ']']));
      const closer = this.next();
      if (closer.type !== 'symbol' || (closer.text !== ')' && closer.text !== ']')) throw new ParseFailure('unclosed bracket');
      if (inner.kind === 'list') {
        return { kind: 'sequence', open: open as '(' | '[', close: closer.text as ')' | ']', items: inner.items };
      }
      if ((open === '(') !== (closer.text === ')')) throw new ParseFailure('mismatched brackets');
      return inner;
    }
    if (open === '{') {
      const inner = this.parseGroupUntil('}');
      return inner.kind === 'list' ? { kind: 'set', items: inner.items } : inner;
    }
    if (open === '\\{') {
      if (this.isSymbol('\\}')) {
        this.next();
        return { kind: 'set', items: [] };
      }
      const inner = this.parseGroupUntil('\\}');
      return { kind: 'set', items: inner.kind === 'list' ? inner.items : [inner] };
    }
    throw new ParseFailure(`unexpected ${open}`);
  }

  private parseEnvironment(environment: string): AnswerNode {
    if (!MATRIX_ENVIRONMENTS.has(environment)) throw new ParseFailure(`environment ${environment}`);
    const rows: AnswerNode[][] = [];
    let row: AnswerNode[] = [];
    for (;;) {
      const token = this.peek();
      if (token.type === 'end') {
        this.next();
        if (token.text !== environment) throw new ParseFailure('mismatched environment');
        break;
      }
      if (token.type === 'eof') throw new ParseFailure('unclosed environment');
      if (this.isSymbol('&')) {
        this.next();
        continue;
      }
      if (this.isSymbol('\\\\')) {
        this.next();
        if (row.length > 0) rows.push(row);
        row = [];
        continue;
      }
      row.push(this.parseRelation());
    }
    if (row.length > 0) rows.push(row);
    if (rows.length === 0 || rows.some((cells) => cells.length !== rows[0]!.length)) throw new ParseFailure('ragged matrix');
    return { kind: 'matrix', rows };
  }
}

function numberNode(text: string): AnswerNode & { kind: 'number' } {
  const cleaned = text.endsWith('.') ? text.slice(0, -1) : text;
  const scientific = /[eE]/.test(cleaned);
  return { kind: 'number', value: Number(cleaned.startsWith('.') ? `0${cleaned}` : cleaned), text: cleaned, decimal: cleaned.includes('.') || scientific };
}

function isIntegerLiteral(node: AnswerNode): boolean {
  return node.kind === 'number' && !node.decimal;
}

function negate(node: AnswerNode): AnswerNode {
  return { kind: 'neg', argument: node };
}

function multiply(left: AnswerNode, right: AnswerNode): AnswerNode {
  if (left.kind === 'mul') return { kind: 'mul', factors: [...left.factors, right] };
  return { kind: 'mul', factors: [left, right] };
}

/**
 * Parses a normalised answer (LaTeX or plain text) into an {@link AnswerNode} tree; an answer with words
 * (other than "and"/"or" between items) or unknown commands becomes a `text` node.
 * @internal
 */
export function parseNormalized(text: string, budget: Budget = UNLIMITED_BUDGET): AnswerNode {
  const tokens = tokenize(text, budget);
  if (tokens.some((token) => token.type === 'word' && token.text !== 'and' && token.text !== 'or')) {
    throw new ParseFailure('words');
  }
  return new Parser(tokens, budget).parseAll();
}
