"""verl custom reward function backed by the ARES-TS reward service (standard library only).

Point verl at it:

    custom_reward_function.path=/path/to/apps/server/python/ares_reward.py
    custom_reward_function.name=compute_score

and set ARES_REWARD_URL (default http://127.0.0.1:8000) to the running `ares-server`. Each call POSTs
[{data_source, solution_str, ground_truth, extra_info}] to {ARES_REWARD_URL}/v1/verl/reward and returns the
service's {"score": ..., "accuracy": ..., "entropy_score": ..., "hwe_count": ..., "bucket_index": ...}.
`extra_info` may carry bucket, hwe_count, target and alpha (all four) to get the AEPO-shaped score.
"""

import json
import os
import time
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000"
TIMEOUT_S = float(os.environ.get("ARES_REWARD_TIMEOUT_S", "180"))
RETRIES = int(os.environ.get("ARES_REWARD_RETRIES", "5"))


def _json_safe(value):
    """extra_info from verl may hold numpy scalars or arrays; keep what JSON can carry."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "item"):
        try:
            return value.item()
        except Exception:  # arrays with more than one element
            pass
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def _post(path, payload):
    url = os.environ.get("ARES_REWARD_URL", DEFAULT_URL).rstrip("/") + path
    data = json.dumps(payload).encode("utf-8")
    last_error = None
    for attempt in range(max(1, RETRIES)):
        request = urllib.request.Request(url, data=data, headers={"content-type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            body = error.read().decode("utf-8", "replace")
            if error.code in (503, 408):  # busy or timed out: retry after the advertised delay
                last_error = RuntimeError(f"ares-server {error.code}: {body}")
                time.sleep(float(error.headers.get("retry-after", "1")))
                continue
            raise ValueError(f"ares-server rejected the request ({error.code}): {body}") from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            last_error = error
            time.sleep(min(2**attempt, 10))
    raise RuntimeError(f"ares-server at {url} unreachable after {RETRIES} tries: {last_error}")


def compute_score(data_source, solution_str, ground_truth, extra_info=None):
    """verl's custom reward signature; returns a dict with "score" plus scalar metrics."""
    item = {
        "data_source": str(data_source),
        "solution_str": solution_str,
        "ground_truth": str(ground_truth),
        "extra_info": _json_safe(extra_info) if extra_info is not None else None,
    }
    return _post("/v1/verl/reward", [item])[0]
