"""Writes examples/data/synthetic-chat-completions.jsonl: OpenAI-compatible chat completion responses with
`logprobs.content[t].top_logprobs` (k = 10), in the format vLLM returns, from a seeded synthetic sampler.

This is NOT model output (no weights can be downloaded here). It is a transparent generative process that has
the structure ARES looks for: confident stretches (low entropy) and bursts of sustained uncertainty after
reasoning-trigger words ("wait", "hmm", "but", "check"), so that window entropy has something to find.
Run by hand: /usr/bin/python3 scripts/sample/synthetic_chat_completions.py
"""
import json
import math
import numpy as np

SEED = 20251009
VOCAB_SIZE = 4096          # the synthetic model's vocabulary; the first len(WORDS) ids are real words
TOP_K = 10
rng = np.random.default_rng(SEED)

WORDS = ("the answer is so we have then add multiply divide total each step first next now let x y equals "
         "plus minus times carry remainder digit count sum result therefore thus compute check wait hmm but "
         "maybe perhaps actually however alternatively recall verify again suppose consider . , : = + - * "
         "0 1 2 3 4 5 6 7 8 9 </think> \\boxed{ }").split(" ")
TRIGGERS = {"wait", "hmm", "but", "maybe", "perhaps", "actually", "however", "alternatively", "suppose",
            "consider", "check", "verify", "recall"}
word_id = {w: i for i, w in enumerate(WORDS)}

def distribution(kind, trigger=None):
    """Logits over the synthetic vocabulary: `sharp` puts most mass on one word (a trigger word when the sampler
    hesitates); `flat` spreads it over several plausible continuations."""
    logits = rng.normal(0.0, 1.0, VOCAB_SIZE) - 6.0          # a long tail of unlikely ids
    words = rng.choice(len(WORDS), size=8, replace=False)
    if kind == "sharp":
        top = word_id[trigger] if trigger is not None else words[0]
        logits[top] = 9.0 + rng.normal(0, 1.0)
        logits[words[1:3]] = 4.0 + rng.normal(0, 1.0, 2)
    else:
        logits[words] = 2.5 + rng.normal(0, 0.3, 8)
    return logits

def log_softmax(z):
    m = z.max()
    return z - (m + math.log(np.exp(z - m).sum()))

def token_text(i):
    return (" " + WORDS[i]) if i < len(WORDS) else f"<id_{i}>"

def response(index, difficulty):
    length = int(60 + 50 * difficulty + rng.integers(0, 30))
    burst = 0
    content, text = [], []
    for t in range(length):
        trigger = None
        if burst > 0:
            kind = "flat"
            burst -= 1
        else:
            kind = "sharp"
            if rng.random() < 0.03 * (1 + 2 * difficulty):   # harder problems hesitate more often
                trigger = str(rng.choice(sorted(TRIGGERS)))
                burst = int(4 + rng.integers(0, 3 + 6 * difficulty))
        lp = log_softmax(distribution(kind, trigger))
        token = word_id[trigger] if trigger is not None else int(rng.choice(VOCAB_SIZE, p=np.exp(lp)))
        top = np.argsort(-lp)[:TOP_K]
        content.append({
            "token": token_text(token),
            "logprob": round(float(lp[token]), 5),
            "top_logprobs": [{"token": token_text(int(j)), "logprob": round(float(lp[j]), 5)} for j in top],
        })
        text.append(token_text(token))
    return {
        "id": f"chatcmpl-synthetic-{index}",
        "object": "chat.completion",
        "model": "synthetic-sampler",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "".join(text)},
                     "logprobs": {"content": content}, "finish_reason": "length"}],
    }

with open("examples/data/synthetic-chat-completions.jsonl", "w") as out:
    for index, difficulty in enumerate([0.0, 0.2, 0.5, 0.8, 1.0, 0.3]):
        out.write(json.dumps(response(index, difficulty), separators=(",", ":")) + "\n")
