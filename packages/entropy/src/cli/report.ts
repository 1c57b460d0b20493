import type { Analysis } from './analyze';
import { escapeHtml, histogram, lineChart } from './svg';

const round = (value: number, digits = 5) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN');

/** The machine-readable report: settings, τ and one summary per trace with its HWE events. @internal */
export function reportJson(analysis: Analysis, input: string): unknown {
  const counts = analysis.traces.map((trace) => trace.hweCount);
  return {
    tool: '@ares/entropy analyze',
    input,
    settings: { ...analysis.options, entropy: 'lower (top-k tail as one outcome)' },
    threshold: analysis.threshold,
    thresholdSource: analysis.thresholdSource,
    summary: {
      responses: analysis.traces.length,
      tokens: analysis.traces.reduce((sum, trace) => sum + trace.tokens.length, 0),
      meanHweCount: counts.length ? counts.reduce((a, b) => a + b, 0) / counts.length : 0,
      undecidedWindows: analysis.traces.reduce((sum, trace) => sum + trace.undecided, 0),
    },
    traces: analysis.traces.map((trace) => ({
      id: trace.id,
      length: trace.tokens.length,
      meanEntropy: round(trace.meanEntropy),
      meanTailMass: round(trace.meanTailMass),
      hweCount: trace.hweCount,
      undecidedWindows: trace.undecided,
      triggers: { ...trace.triggers, softCost: round(trace.triggers.softCost) },
      events: trace.events.map((event) => ({ ...event, window: round(event.window) })),
      entropy: Array.from(trace.entropy, (value) => round(value)),
    })),
  };
}

function highlightedText(tokens: readonly string[], mask: Uint8Array, window: number, offset: number): string {
  const covered = new Uint8Array(tokens.length);
  for (let anchor = 0; anchor < mask.length; anchor++) {
    if (mask[anchor] !== 1) continue;
    for (let index = anchor + offset; index < Math.min(tokens.length, anchor + offset + window); index++) covered[index] = 1;
  }
  return tokens
    .map((token, index) => {
      const start = index >= offset && mask[index - offset] === 1;
      const text = escapeHtml(token);
      if (start) return `<mark class="start" title="HWE window starts at ${index}">${text}</mark>`;
      return covered[index] ? `<mark>${text}</mark>` : text;
    })
    .join('');
}

/** A self-contained HTML page: settings, a per-trace table, entropy plots with τ and HWE marks, highlighted text. @internal */
export function reportHtml(analysis: Analysis, input: string): string {
  const { options, threshold } = analysis;
  const offset = options.anchor === 'next' ? 1 : 0;
  const rows = analysis.traces
    .map(
      (trace) =>
        `<tr><td>${escapeHtml(trace.id)}</td><td>${trace.tokens.length}</td><td>${trace.meanEntropy.toFixed(3)}</td><td>${trace.meanTailMass.toFixed(3)}</td><td>${trace.hweCount}</td><td>${trace.undecided}</td><td>${trace.triggers.valid} / ${trace.triggers.valid + trace.triggers.invalid}</td></tr>`,
    )
    .join('\n');
  const sections = analysis.traces
    .map((trace) => {
      const chart = lineChart({
        title: `${trace.id}: ${trace.hweCount} HWE positions`,
        yLabel: 'nats',
        length: trace.tokens.length,
        series: [
          { values: trace.entropy, color: '#aab7b8', label: 'token entropy (lower bound)' },
          { values: trace.windows, start: offset, color: '#1f618d', label: `window mean (w = ${options.window})`, width: 1.8 },
        ],
        rule: { y: threshold, label: `τ = ${threshold.toFixed(3)}` },
        marks: trace.events.map((event) => ({ x: event.branchPoint, y: event.window })),
      });
      return `<section><h3>${escapeHtml(trace.id)}</h3>${chart}<p class="text">${highlightedText(trace.tokens, trace.mask, options.window, offset)}</p></section>`;
    })
    .join('\n');
  const hist = histogram({ values: analysis.traces.map((trace) => trace.hweCount), title: 'HWE count per response', xLabel: 'N_HE' });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ARES window-entropy report</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#222}
table{border-collapse:collapse;font-size:.9rem}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}
td:first-child,th:first-child{text-align:left}svg{width:100%;height:auto}svg.histogram{max-width:480px;display:block;margin:1rem 0}
.text{font-family:ui-monospace,monospace;font-size:.8rem;white-space:pre-wrap;line-height:1.5}
mark{background:#fdebd0}mark.start{background:#f5b041}
</style></head><body>
<h1>Window-entropy report</h1>
<p>Input <code>${escapeHtml(input)}</code>: ${analysis.traces.length} responses. Entropy per token is the top-k <em>lower</em> bound
(tail as one outcome; logprobs mode <code>${escapeHtml(options.logprobsMode)}</code>); window w = ${options.window}, anchor <code>${options.anchor}</code>;
τ = ${threshold.toFixed(4)} (${analysis.thresholdSource === 'given' ? 'given' : analysis.thresholdSource === 'paper' ? `paper estimator: mean of per-response ${options.quantile}-quantiles of token entropy` : `released estimator: median of per-response ${options.quantile}-quantiles of window means`}).
"Undecided" windows are below τ on the lower bound but reach it on the upper bound${options.vocabSize === undefined ? ' (needs --vocab-size; without it the upper bound is infinite wherever tail mass remains)' : ''}.</p>
<table><thead><tr><th>response</th><th>tokens</th><th>mean H</th><th>mean tail</th><th>N_HE</th><th>undecided</th><th>trigger windows ≥ τ</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${hist}
<h2>Traces</h2>
<p>Grey: per-token entropy; blue: window mean at its first covered token; dashed: τ; dots: HWE window starts (branch points).
In the text, orange marks a branch point and light orange the rest of its window.</p>
${sections}
</body></html>
`;
}
