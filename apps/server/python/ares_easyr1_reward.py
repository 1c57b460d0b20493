"""EasyR1 batch reward function backed by the ARES-TS reward service (standard library only).

    worker.reward.reward_function=/path/to/apps/server/python/ares_easyr1_reward.py:compute_score

Each item needs response, ground_truth, difficulty ("easy" | "medium" | "hard"; never defaulted),
high_entropy_token_num, target_high_entropy_token_num and alpha_entropy, as the released ARES trainer passes them.
Returns one {"overall", "accuracy", "format", "high_entropy_token_num_score"} per item.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ares_reward import _json_safe, _post  # noqa: E402

REWARD_NAME = "ares"
REWARD_TYPE = "batch"


def compute_score(reward_inputs):
    return _post("/v1/easyr1/reward", [_json_safe(item) for item in reward_inputs])
