export { DEFAULT_EXTRACT_BOXED_OPTIONS, extractBoxed } from './extract-boxed';
export type { ExtractBoxedOptions } from './extract-boxed';
export {
  DEFAULT_EXTRACT_FINAL_ANSWER_OPTIONS,
  extractAnswerPhrase,
  extractFinalAnswer,
  extractGsm8kAnswer,
  extractLastNumber,
  extractMathSpans,
} from './extract-answer';
export type { ExtractedAnswer, ExtractFinalAnswerOptions, ExtractionMethod, MathSpan } from './extract-answer';
export { DEFAULT_EXTRACT_CHOICE_OPTIONS, extractChoice } from './extract-choice';
export type { ExtractChoiceOptions } from './extract-choice';
export { DEFAULT_IS_EQUIVALENT_OPTIONS, GRADING_PROFILES, isEquivalent, verifyAnswer } from './is-equivalent';
export type { GradingProfile, IsEquivalentOptions, Verdict, VerdictReason } from './is-equivalent';
export { normalizeFinalAnswer } from './minerva';
export { normalizeMathAnswer } from './mathruler';
export { meanPassAtK, passAtK } from './pass-at-k';
export type { ItemCounts } from './pass-at-k';
export { accuracy, averageAtK, lengthStatistics, tokensPerCorrect, worstCaseAccuracy } from './metrics';
export type { LengthStatistics, WorstCaseAccuracy } from './metrics';
export { DEFAULT_SUMMARIZE_EVALUATION_OPTIONS, summarizeEvaluation } from './summarize-evaluation';
export type {
  BenchmarkSummary,
  BucketSummary,
  EvaluationSummary,
  GradedSample,
  GroupSummary,
  SummarizeEvaluationOptions,
} from './summarize-evaluation';
export { parseDataset } from './dataset';
export type { AnswerType, EvalItem, ParseDatasetOptions } from './dataset';
export { BENCHMARK_NAMES, gradeResponse } from './grade-response';
export type { GradeResponseOptions, ResponseGrade } from './grade-response';
export { createInProcessPolicy, defaultPrompt } from './policy';
export type { ChatContentPart, ChatMessage, Generation, GenerationRequest, Policy } from './policy';
export { createOpenAiCompatiblePolicy, DEFAULT_OPEN_AI_COMPATIBLE_POLICY_OPTIONS } from './open-ai-compatible-policy';
export type { OpenAiCompatiblePolicyOptions } from './open-ai-compatible-policy';
export { DEFAULT_RUN_EVALUATION_OPTIONS, MemoryResultStore, runEvaluation, runIdentity } from './run-evaluation';
export type { ResultStore, RunEvaluationOptions, RunEvaluationResult, RunProgress, SampleResult } from './run-evaluation';
export { buildReport, renderHtml, renderMarkdown } from './report';
export type { BuildReportOptions, EvaluationReport, HweHistogram } from './report';
