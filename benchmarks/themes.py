"""Suggesting themes for 200 answers of up to 3,000 characters, against a bare TF-IDF of the same texts.

Why a bare `TfidfVectorizer().fit_transform` as the floor: any grouping of texts by their words
must at least tokenise and weigh them; that is what scikit-learn's own analyzer costs. The ratio
shows what our lemmatising, compound matching, clustering and labelling add.

Two figures: *warm* is the steady state of a running bot (dictionaries loaded, our word cache
emptied before each repeat, best of 3); *cold* is the first suggestion in a fresh process, which
also loads simplemma's Dutch and English dictionaries (measured in a subprocess, imports not
timed). The target, under 1 s, applies to both. The answers are generated (benchmarks/answers.py)
with a known main topic each, so the row also says how well the themes recover those topics
(adjusted Rand index, 1.0 = exactly).
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score

from benchmarks.answers import answers
from benchmarks.common import Config, Row
from benchmarks.common import verdict as judge
from bot.analysis import words
from bot.analysis.themes import propose_themes

NAME = "themes"
TARGET_SECONDS = 1.0
ROOT = Path(__file__).resolve().parents[1]

_COLD = """
import json, resource, time
from benchmarks.answers import answers
from bot.analysis.themes import propose_themes
texts = [text for text, _topic in answers({count})]
start = time.perf_counter()
propose_themes(list(enumerate(texts)), "nl")
seconds = time.perf_counter() - start
print(json.dumps([seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))
"""


def _best(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        words.clear_cache()
        gc.collect()
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _dutch(number: int) -> str:
    """Thousands with a dot, as the other rows write them (10.000 rows)."""
    return f"{number:,}".replace(",", ".")


def _cold(count: int) -> tuple[float, float]:
    """The first suggestion in a new Python process (dictionaries not yet loaded): seconds, and the
    process's peak resident memory in MiB (Python, numpy, scikit-learn and the dictionaries)."""
    result = subprocess.run([sys.executable, "-c", _COLD.format(count=count)], cwd=ROOT, capture_output=True,
                            text=True, check=True, timeout=300)
    seconds, peak = json.loads(result.stdout.strip().splitlines()[-1])
    return float(seconds), float(peak)


def run(config: Config) -> list[Row]:
    count = config.size(200, 20)
    repeats = 1 if config.smoke else 3
    data = answers(count)
    texts = [text for text, _topic in data]
    pairs = list(enumerate(texts))
    themes = propose_themes(pairs, "nl")  # also loads the dictionaries before the warm timing
    warm = _best(lambda: propose_themes(pairs, "nl"), repeats)
    bare = _best(lambda: TfidfVectorizer().fit_transform(texts), repeats)
    cold, peak_mib = _cold(count)
    theme_of = {key: index for index, theme in enumerate(themes) for key in theme.answer_keys}
    ari = adjusted_rand_score([topic for _text, topic in data], [theme_of[key] for key in range(count)])
    chars = sum(len(text) for text in texts)
    case = f"{count} answers, {_dutch(min(map(len, texts)))}–{_dutch(max(map(len, texts)))} chars"
    details = {"answers": count, "characters": chars, "warm_seconds": warm, "cold_seconds": cold,
               "bare_tfidf_seconds": bare, "cold_process_peak_rss_mib": peak_mib, "themes": len(themes), "rest": sum(t.rest for t in themes),
               "largest_theme": max((len(t.answer_keys) for t in themes), default=0),
               "adjusted_rand_index_vs_generated_topics": ari, "repeats": repeats}
    target = f"< {TARGET_SECONDS:g} s warm and cold"
    return [
        Row(NAME, case + ", warm", f"{warm * 1000:.0f} ms; {len(themes)} themes, ARI {ari:.2f} vs topics",
            floor=f"bare TF-IDF {bare * 1000:.0f} ms", ratio=warm / bare, target=target,
            verdict=judge(warm < TARGET_SECONDS, config), details=details),
        Row(NAME, case + ", cold (new process)", f"{cold * 1000:.0f} ms, loading dictionaries; process peak {peak_mib:.0f} MiB",
            floor=f"bare TF-IDF {bare * 1000:.0f} ms", ratio=cold / bare, target=target,
            verdict=judge(cold < TARGET_SECONDS, config), details=details),
    ]
