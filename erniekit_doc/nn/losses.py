"""Masked token losses computed by hand.

Paddle 3.3's ``F.cross_entropy(ignore_index=-100, reduction="mean")`` divides by all
positions instead of the labelled ones, and CPU ``F.nll_loss`` with -100 labels can corrupt
the heap; so the loss is built from ``log_softmax`` and a gather over valid positions only.
Models return the *sum* and the *count*: the trainer divides by the label tokens of the
whole global batch, which makes gradient accumulation exact.
"""

from __future__ import annotations

from typing import Optional, Tuple

import paddle
import paddle.nn.functional as F

IGNORE_INDEX = -100


def masked_cross_entropy_sum(logits: paddle.Tensor, labels: paddle.Tensor, ignore_index: int = IGNORE_INDEX,
                             label_smoothing: float = 0.0,
                             class_weights: Optional[paddle.Tensor] = None) -> Tuple[paddle.Tensor, paddle.Tensor]:
    """logits [..., C], labels [...] -> (sum of per-token losses over labelled tokens, number of labelled tokens).

    With ``class_weights`` each token's loss is multiplied by the weight of its label (the
    count stays the number of tokens, so the trainer's normalisation is unchanged).
    """
    C = logits.shape[-1]
    flat_logits = logits.reshape([-1, C])
    flat_labels = labels.reshape([-1])
    valid = paddle.nonzero(flat_labels != ignore_index).reshape([-1])
    count = paddle.to_tensor(valid.shape[0], dtype="int64")
    if valid.shape[0] == 0:
        return flat_logits.sum() * 0.0, count
    picked_logits = paddle.gather(flat_logits, valid).astype("float32")
    picked_labels = paddle.gather(flat_labels, valid).astype("int64")
    logp = F.log_softmax(picked_logits, axis=-1)
    nll = -paddle.take_along_axis(logp, picked_labels.unsqueeze(-1), axis=-1).squeeze(-1)
    if label_smoothing > 0:
        nll = (1.0 - label_smoothing) * nll - label_smoothing * logp.mean(axis=-1)
    if class_weights is not None:
        nll = nll * paddle.gather(class_weights.astype("float32"), picked_labels)
    return nll.sum(), count
