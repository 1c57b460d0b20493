/** Relation operators of an {@link AnswerNode} of kind `relation`. */
export type RelationOperator = '=' | '<' | '<=' | '>' | '>=' | '!=' | 'in';

/**
 * The expression tree of a parsed answer. Scalars (`number` … `call`) evaluate to complex numbers; the other
 * kinds are structures compared element-wise.
 */
export type AnswerNode =
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly decimal: boolean }
  | { readonly kind: 'symbol'; readonly name: string }
  | { readonly kind: 'constant'; readonly name: 'pi' | 'e' | 'i' | 'infinity' }
  | { readonly kind: 'add'; readonly terms: readonly AnswerNode[] }
  | { readonly kind: 'neg'; readonly argument: AnswerNode }
  | { readonly kind: 'mul'; readonly factors: readonly AnswerNode[] }
  | { readonly kind: 'div'; readonly numerator: AnswerNode; readonly denominator: AnswerNode }
  | { readonly kind: 'pow'; readonly base: AnswerNode; readonly exponent: AnswerNode }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly AnswerNode[] }
  /** `±argument`: expanded into both signs before comparison. */
  | { readonly kind: 'pm'; readonly argument: AnswerNode; readonly minusFirst: boolean }
  | { readonly kind: 'relation'; readonly operators: readonly RelationOperator[]; readonly operands: readonly AnswerNode[] }
  /** A bracketed, ordered sequence: a tuple `(1, 2)`, a vector `[1, 2]` or an interval `[0, 1)`. */
  | { readonly kind: 'sequence'; readonly open: '(' | '['; readonly close: ')' | ']'; readonly items: readonly AnswerNode[] }
  /** `\{…\}`: unordered. */
  | { readonly kind: 'set'; readonly items: readonly AnswerNode[] }
  /** A bare comma (or "and"/"or") separated list: unordered, like a set. */
  | { readonly kind: 'list'; readonly items: readonly AnswerNode[] }
  | { readonly kind: 'union'; readonly items: readonly AnswerNode[] }
  | { readonly kind: 'matrix'; readonly rows: readonly (readonly AnswerNode[])[] }
  | { readonly kind: 'text'; readonly value: string };

/** The scalar kinds, which evaluate to a number. */
export const SCALAR_KINDS: ReadonlySet<AnswerNode['kind']> = new Set([
  'number',
  'symbol',
  'constant',
  'add',
  'neg',
  'mul',
  'div',
  'pow',
  'call',
  'pm',
]);

/** True when the node is a scalar expression (possibly containing `±`). @internal */
export function isScalar(node: AnswerNode): boolean {
  return SCALAR_KINDS.has(node.kind);
}
