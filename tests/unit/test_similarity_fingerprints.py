"""Winnowed fingerprints, weights and the flag threshold: the guarantees the report relies on."""

from __future__ import annotations

import random
import statistics

from grader.similarity.compare import class_weights, pair_scores, weight
from grader.similarity.fingerprints import WINDOW, K, fingerprints
from grader.similarity.threshold import FLOOR, class_threshold

ALPHABET = [f"t{i}" for i in range(12)]


def test_a_shared_run_of_k_plus_window_minus_one_tokens_always_shares_a_fingerprint() -> None:
    generator = random.Random(7)
    for _ in range(300):
        shared = generator.choices(ALPHABET, k=K + WINDOW - 1)
        a = generator.choices(ALPHABET, k=generator.randrange(0, 40)) + shared + \
            generator.choices(ALPHABET, k=generator.randrange(0, 40))
        b = generator.choices(ALPHABET, k=generator.randrange(0, 40)) + shared
        assert {f.hash for f in fingerprints(a)} & {f.hash for f in fingerprints(b)}


def test_winnowing_keeps_a_fraction_of_the_kgrams_and_a_short_block_has_one() -> None:
    tokens = random.Random(1).choices(ALPHABET, k=2000)
    kept = len(fingerprints(tokens))
    assert 0.25 * 2000 < kept < 0.55 * 2000  # about 2 / (WINDOW + 1)
    assert len(fingerprints(["return", "V"])) == 1
    assert fingerprints([]) == []


def test_fingerprints_are_the_same_in_every_process() -> None:
    """Stable hashes (not Python's salted hash): a report is the same in every run."""
    hashes = [f.hash for f in fingerprints([chr(c) for c in range(ord("a"), ord("z") + 1)])]
    assert hashes[:3] == [115375310870320619, 466109620725399549, 717252300589489349]


def test_a_passage_weighs_less_the_more_programs_have_it_and_nothing_past_m() -> None:
    assert weight(1, 10) == weight(2, 10) == 1.0
    assert 1.0 > weight(3, 10) > weight(6, 10) > weight(10, 10) > 0.0
    assert weight(11, 10) == 0.0


def test_only_pairs_sharing_a_passage_few_programs_have_are_scored() -> None:
    common = set(range(100, 120))  # every program has these
    prints = [common | {i} for i in range(30)]  # and one of its own
    prints[3] |= {500, 501, 502}
    prints[7] |= {500, 501, 502}
    weights = class_weights(prints)

    scores = pair_scores(prints, weights)

    assert set(scores) == {(3, 7)}  # the 435 other pairs share only common passages
    assert 0 < scores[(3, 7)] < 1


def test_the_fence_counts_the_pairs_that_share_nothing_as_zeros() -> None:
    scores = [0.1, 0.3, 0.2, 0.9, 0.15, 0.05]
    threshold = class_threshold(scores, 10)

    full = statistics.quantiles(sorted(scores + [0.0] * 4), n=4, method="inclusive")
    assert abs(threshold.fence - (full[2] + 3 * (full[2] - full[0]))) < 1e-12
    assert threshold.value == max(FLOOR, threshold.fence) and threshold.pairs == 10


def test_in_a_class_whose_pairs_are_all_alike_the_fence_rises_above_the_floor() -> None:
    alike = [0.55 + 0.01 * (i % 10) for i in range(45)]
    threshold = class_threshold(alike, 45)

    assert threshold.value > max(alike[:44]) and not threshold.flags(0.6)
    assert class_threshold([], 0).value == FLOOR
