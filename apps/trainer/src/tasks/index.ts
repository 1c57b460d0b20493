export {
  BOS_TOKEN,
  BOXED_CLOSE,
  BOXED_OPEN,
  DEFAULT_VOCABULARY,
  EOS_TOKEN,
  PAD_TOKEN,
  THINK_CLOSE,
  THINK_OPEN,
  Tokenizer,
} from './tokenizer';
export {
  DEFAULT_GENERATE_PROBLEMS_OPTIONS,
  IMAGE_SIZE,
  MAX_LEVEL,
  MAX_VALUE,
  TASK_KINDS,
  evaluateChain,
  generateProblem,
  generateProblems,
} from './problems';
export type { AddSpec, ArithmeticOperation, ArithmeticSpec, CountSpec, GenerateProblemsOptions, Problem, TaskKind } from './problems';
export { TRIGGER_WORDS, VERBOSITIES, parseResponse, teacherTrace } from './traces';
export type { ParsedResponse, Verbosity } from './traces';
