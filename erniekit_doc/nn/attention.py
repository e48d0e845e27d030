"""Segment-aware attention: several samples packed in one row attend only to themselves.

One function serves the decoder (causal) and the vision encoder (bidirectional). A packed
row is described by ``segment_ids`` [batch, seq]: equal ids form one sample, ``-1`` marks
padding. Two paths compute the same thing:

* CPU (and any device): a dense boolean mask built from the segment ids.
* GPU: ``paddle.nn.functional.flashmask_attention`` with column-wise
  ``startend_row_indices`` derived from the same ids (``flashmask_row_indices``), which
  never materialises the [seq, seq] mask. ``dense_mask_from_row_indices`` turns those
  indices back into a dense mask so the tests check the GPU encoding on CPU. The
  flashmask kernel itself is GPU-only and is not exercised by this project's CPU tests.

Shapes follow Paddle's flash-attention convention: q [B, L, H, D], k/v [B, L, H_kv, D]
with H a multiple of H_kv (grouped-query attention).
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import paddle
import paddle.nn.functional as F


def segment_ids_from_cu_seqlens(cu_seqlens, total_len: int) -> paddle.Tensor:
    """[0, 3, 7] with total_len 9 -> [[0, 0, 0, 1, 1, 1, 1, -1, -1]] (one row)."""
    cu = [int(x) for x in (cu_seqlens.tolist() if hasattr(cu_seqlens, "tolist") else cu_seqlens)]
    ids = [-1] * total_len
    for s, (a, b) in enumerate(zip(cu[:-1], cu[1:])):
        ids[a:b] = [s] * (b - a)
    return paddle.to_tensor([ids], dtype="int32")


def segment_mask(segment_ids: paddle.Tensor, causal: bool) -> paddle.Tensor:
    """Dense [B, 1, L, L] boolean mask: True where query i may attend to key j.

    Padding (-1) queries attend to themselves only, so no softmax row is empty (their
    outputs are ignored by the loss).
    """
    seg = segment_ids.astype("int32")
    same = seg.unsqueeze(2) == seg.unsqueeze(1)  # [B, L, L]
    valid = (seg >= 0).unsqueeze(1)
    pos = paddle.arange(seg.shape[1])
    eye = (pos.unsqueeze(1) == pos.unsqueeze(0)).unsqueeze(0)  # (paddle has no bool eye/tril kernels on CPU)
    mask = paddle.logical_and(same, valid)
    if causal:
        mask = paddle.logical_and(mask, (pos.unsqueeze(0) <= pos.unsqueeze(1)).unsqueeze(0))
    mask = paddle.logical_or(mask, paddle.logical_and(eye, (seg < 0).unsqueeze(2)))
    return mask.unsqueeze(1)


def flashmask_row_indices(segment_ids: paddle.Tensor, causal: bool) -> paddle.Tensor:
    """FlashMask ``startend_row_indices`` [B, 1, L, 1 or 2] (int32) for packed segments.

    For key column j in a segment spanning rows [start, end): rows >= end are masked
    (lower-left block); without causality, rows < start are masked too (upper-right block).
    Padding columns are treated as one trailing segment.
    """
    seg = segment_ids.astype("int64").numpy()
    B, L = seg.shape
    lts = np.zeros((B, L), dtype="int32")
    ute = np.zeros((B, L), dtype="int32")
    for b in range(B):
        j = 0
        while j < L:
            k = j
            while k < L and seg[b, k] == seg[b, j]:
                k += 1
            lts[b, j:k] = k
            ute[b, j:k] = j
            j = k
    idx = np.stack([lts] if causal else [lts, ute], axis=-1)[:, None]  # [B, 1, L, 1|2]
    return paddle.to_tensor(idx, dtype="int32")


def dense_mask_from_row_indices(row_indices: paddle.Tensor, causal: bool) -> paddle.Tensor:
    """Inverse view of ``flashmask_row_indices`` as a dense [B, 1, L, L] allowed-mask (for tests)."""
    idx = row_indices.numpy()
    B, _, L, _ = idx.shape
    rows = np.arange(L)[:, None]
    cols = np.arange(L)[None, :]
    allowed = np.ones((B, 1, L, L), dtype=bool)
    for b in range(B):
        lts = idx[b, 0, :, 0][None, :]
        allowed[b, 0] &= rows < lts
        if causal:
            allowed[b, 0] &= cols <= rows
        else:
            allowed[b, 0] &= rows >= idx[b, 0, :, 1][None, :]
    return paddle.to_tensor(allowed)


def _use_flashmask(q: paddle.Tensor) -> bool:
    return q.place.is_gpu_place() and q.dtype in (paddle.float16, paddle.bfloat16)


def segment_attention(q: paddle.Tensor, k: paddle.Tensor, v: paddle.Tensor, segment_ids: paddle.Tensor,
                      causal: bool, scale: Optional[float] = None,
                      use_flashmask: Optional[bool] = None) -> paddle.Tensor:
    """Attention restricted to segments. q [B, L, H, D], k/v [B, L, H_kv, D] -> [B, L, H, D]."""
    scale = scale if scale is not None else q.shape[-1] ** -0.5
    if use_flashmask if use_flashmask is not None else _use_flashmask(q):
        return F.flashmask_attention(q, k, v, flashmask_row_indices(segment_ids, causal), causal=causal,
                                     softmax_scale=scale)
    H, H_kv = q.shape[2], k.shape[2]
    if H != H_kv:  # grouped-query attention: each kv head serves H // H_kv query heads
        k = paddle.repeat_interleave(k, H // H_kv, axis=2)
        v = paddle.repeat_interleave(v, H // H_kv, axis=2)
    qt, kt, vt = (x.transpose([0, 2, 1, 3]) for x in (q, k, v))  # [B, H, L, D]
    scores = paddle.matmul(qt.astype("float32"), kt.astype("float32"), transpose_y=True) * scale
    mask = segment_mask(segment_ids, causal)
    scores = paddle.where(mask, scores, paddle.full_like(scores, float("-inf")))  # no row is fully masked
    # Paddle's CPU softmax returns ~1e-28 (not 0) for -inf scores: zero them so nothing leaks across samples
    probs = (F.softmax(scores, axis=-1) * mask.astype("float32")).astype(vt.dtype)
    return paddle.matmul(probs, vt).transpose([0, 2, 1, 3])
