"""The benchmark's letters: the generated corpus split by template, one-page letters for
the speed measurement, and the choice of the 20 simulated corrections."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from samples.corpus import generate_corpus, split_by_template
from samples.letters import generate_letters

PAGE_WORDS = 300  # a dense one-page letter: cut a long sample letter at this many words
PAGE_MAX_WORDS = 350


@dataclass(frozen=True)
class Split:
    train_texts: list[str]
    train_labels: list[str]
    train_groups: list[str]  # template ids: the unit of cross-validation
    eval_texts: list[str]
    eval_labels: list[str]
    eval_groups: list[str]


def corpus_split(per_type: int, seed: int, noise: float) -> Split:
    train, held_out = split_by_template(generate_corpus(per_type, seed, noise=noise), seed=seed)
    return Split(
        [e.text for e in train],
        [e.type_id for e in train],
        [e.template_id for e in train],
        [e.text for e in held_out],
        [e.type_id for e in held_out],
        [e.template_id for e in held_out],
    )


def one_page_letters(count: int, seed: int = 11) -> list[str]:
    """Long sample letters (with a Chronologie) cut after the first line that brings them
    to ``PAGE_WORDS`` words: 250-350 words, what one typed A4 page holds."""
    letters = []
    for letter in generate_letters(count, seed, long_every=1):
        kept: list[str] = []
        words = 0
        for line in letter.lines():
            if words + len(line.split()) > PAGE_MAX_WORDS:
                break
            kept.append(line)
            words += len(line.split())
            if words >= PAGE_WORDS:
                break
        letters.append("\n".join(kept))
    return letters


def choose_corrections(
    truth: Sequence[str], predicted: Sequence[str], groups: Sequence[str], count: int, seed: int
) -> list[int]:
    """Indices into the eval split: ``count`` of the system's mistakes (seeded choice);
    when it made fewer, filled with letters of the held-out templates of the type it
    got wrong most often (the kind of letter a clerk would correct next)."""
    rng = random.Random(f"corrections/{seed}")
    wrong = [i for i, (t, p) in enumerate(zip(truth, predicted, strict=True)) if t != p]
    rng.shuffle(wrong)
    chosen = wrong[:count]
    if len(chosen) < count:
        misses = Counter(truth[i] for i in wrong) or Counter(truth)
        worst = misses.most_common(1)[0][0]
        worst_groups = {groups[i] for i in wrong if truth[i] == worst} or {
            g for g, t in zip(groups, truth, strict=True) if t == worst
        }
        fill = [
            i
            for i, g in enumerate(groups)
            if g in worst_groups and i not in chosen and truth[i] == worst
        ]
        rng.shuffle(fill)
        chosen += fill[: count - len(chosen)]
    return sorted(chosen)
