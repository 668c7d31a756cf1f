"""Full fine-tuning of e5 (option (b) of issue #4), on a budget this machine can pay.

The model: the first ``layers`` e5 layers, chunk mean pooling and a token-weighted mean
over a letter's chunks (as in inference), then a linear layer; cross-entropy with sample
weights; AdamW, linear warm-up and decay. Caps, so that the benchmark finishes: during
training only the first ``train_chunks`` chunks of a letter are read (evaluation reads
the whole letter), bf16 autocast, and a wall-clock budget after which training stops.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.classify.encoding import BenchEncoder


@dataclass(frozen=True)
class Budget:
    epochs: int = 2
    seconds: float = 360.0
    batch_letters: int = 8
    train_chunks: int = 1
    lr_encoder: float = 5e-5
    lr_head: float = 2e-3
    bf16: bool = True


class FineTuner:
    def __init__(self, encoder: BenchEncoder, classes: Sequence[str], seed: int = 0) -> None:
        torch = encoder.torch
        torch.manual_seed(seed)
        self.encoder = encoder
        self.torch = torch
        self.classes = list(classes)
        self.head = torch.nn.Linear(encoder.dimensions, len(classes))
        self.rng = random.Random(seed)

    def _letter_vectors(self, texts: Sequence[str], max_chunks: int | None) -> Any:
        torch = self.torch
        chunks: list[list[int]] = []
        owners: list[int] = []
        for owner, text in enumerate(texts):
            for chunk in self.encoder.chunks(text)[:max_chunks]:
                chunks.append(chunk)
                owners.append(owner)
        ids, mask = self.encoder.batch_tensors(chunks)
        hidden = self.encoder.model(input_ids=ids, attention_mask=mask).last_hidden_state
        weight = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weight).sum(1) / weight.sum(1)
        sizes = torch.tensor([float(len(c)) for c in chunks])
        owner_t = torch.tensor(owners)
        sums = torch.zeros(len(texts), pooled.shape[1]).index_add(
            0, owner_t, pooled.float() * sizes[:, None]
        )
        totals = torch.zeros(len(texts)).index_add(0, owner_t, sizes)
        return torch.nn.functional.normalize(sums / totals[:, None], dim=1) * 10.0

    def train(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        weights: Sequence[float],
        budget: Budget,
    ) -> dict[str, Any]:
        torch = self.torch
        model = self.encoder.model.train()
        optimizer = torch.optim.AdamW(
            [
                {"params": model.parameters(), "lr": budget.lr_encoder},
                {"params": self.head.parameters(), "lr": budget.lr_head},
            ],
            weight_decay=0.01,
        )
        steps_per_epoch = -(-len(texts) // budget.batch_letters)
        total = steps_per_epoch * budget.epochs
        warmup = max(1, total // 10)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer,
            lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))),
        )
        target = torch.tensor([self.classes.index(label) for label in labels])
        weight_t = torch.tensor(list(weights), dtype=torch.float32)
        start = time.perf_counter()
        steps, stopped, losses = 0, False, []
        for _epoch in range(budget.epochs):
            order = list(range(len(texts)))
            self.rng.shuffle(order)
            for first in range(0, len(order), budget.batch_letters):
                batch = order[first : first + budget.batch_letters]
                with torch.autocast("cpu", torch.bfloat16, enabled=budget.bf16):
                    vectors = self._letter_vectors([texts[i] for i in batch], budget.train_chunks)
                logits = self.head(vectors.float())
                loss_each = torch.nn.functional.cross_entropy(
                    logits, target[batch], reduction="none"
                )
                loss = (loss_each * weight_t[batch]).sum() / weight_t[batch].sum()
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                steps += 1
                losses.append(float(loss.detach()))
                if time.perf_counter() - start > budget.seconds:
                    stopped = True
                    break
            if stopped:
                break
        model.eval()
        return {
            "train_seconds": round(time.perf_counter() - start, 1),
            "steps": steps,
            "planned_steps": total,
            "stopped_by_time_cap": stopped,
            "letters_seen": min(steps * budget.batch_letters, budget.epochs * len(texts)),
            "final_loss_mean_last_10": round(float(np.mean(losses[-10:])), 4),
        }

    def predict(self, texts: Sequence[str], bf16: bool = True, batch: int = 8) -> list[str]:
        """Whole letters (every chunk), a few letters per forward pass."""
        torch = self.torch
        predicted: list[str] = []
        with torch.inference_mode(), torch.autocast("cpu", torch.bfloat16, enabled=bf16):
            for first in range(0, len(texts), batch):
                vectors = self._letter_vectors(texts[first : first + batch], None)
                logits = self.head(vectors.float())
                predicted += [self.classes[i] for i in logits.argmax(1).tolist()]
        return predicted
