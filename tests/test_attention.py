"""Segment-aware attention: packed rows equal separate forwards; the GPU mask encoding equals the CPU mask."""

import numpy as np
import paddle
import pytest

from erniekit_doc.nn.attention import (dense_mask_from_row_indices, flashmask_row_indices, segment_attention,
                                       segment_ids_from_cu_seqlens, segment_mask)

LENGTHS = [3, 5, 1, 4]  # packed into one row of 13 + 3 padding


def _qkv(L, H=4, H_kv=2, D=8, seed=0):
    rng = np.random.default_rng(seed)
    mk = lambda h: paddle.to_tensor(rng.standard_normal((1, L, h, D)).astype("float32"))  # noqa: E731
    return mk(H), mk(H_kv), mk(H_kv)


def _reference(q, k, v, causal):
    """Plain softmax attention over one sample, written independently of the module."""
    qn, kn, vn = (x.numpy()[0] for x in (q, k, v))  # [L, H, D]
    rep = qn.shape[1] // kn.shape[1]
    kn, vn = np.repeat(kn, rep, axis=1), np.repeat(vn, rep, axis=1)
    s = np.einsum("ihd,jhd->hij", qn, kn) / np.sqrt(qn.shape[-1])
    if causal:
        s = np.where(np.tril(np.ones(s.shape[1:], bool)), s, -np.inf)
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    return np.einsum("hij,jhd->ihd", p, vn)


@pytest.mark.parametrize("causal", [True, False])
def test_packed_equals_separate(causal):
    total, pad = sum(LENGTHS), 3
    q, k, v = _qkv(total + pad)
    seg = segment_ids_from_cu_seqlens(np.cumsum([0] + LENGTHS), total + pad)
    packed = segment_attention(q, k, v, seg, causal=causal).numpy()[0]
    assert np.isfinite(packed).all()  # padding rows must not produce NaN
    start = 0
    for n in LENGTHS:
        sl = slice(start, start + n)
        alone = segment_attention(q[:, sl], k[:, sl], v[:, sl], paddle.zeros([1, n], "int32"), causal=causal).numpy()[0]
        np.testing.assert_allclose(packed[sl], alone, atol=1e-5)
        np.testing.assert_allclose(alone, _reference(q[:, sl], k[:, sl], v[:, sl], causal), atol=1e-5)
        start += n


@pytest.mark.parametrize("causal", [True, False])
def test_flashmask_indices_encode_the_same_mask(causal):
    seg = paddle.to_tensor([[0, 0, 0, 1, 1, 2, 2, 2, 2, -1, -1],
                            [0, 1, 1, 1, 1, 1, 2, 3, 3, 3, 3]], dtype="int32")
    dense = segment_mask(seg, causal).numpy()
    from_idx = dense_mask_from_row_indices(flashmask_row_indices(seg, causal), causal).numpy()
    real = (seg.numpy() >= 0)
    both_real = real[:, None, :, None] & real[:, None, None, :]
    # equal on every real query/key pair (padding rows are ignored by the loss on both paths)
    np.testing.assert_array_equal(dense & both_real, from_idx & both_real)


def test_gradients_do_not_leak_between_segments():
    q, k, v = _qkv(8)
    for t in (q, k, v):
        t.stop_gradient = False
    seg = paddle.to_tensor([[0, 0, 0, 0, 1, 1, 1, 1]], dtype="int32")
    out = segment_attention(q, k, v, seg, causal=True)
    out[:, :4].sum().backward()  # loss on segment 0 only
    assert float(paddle.abs(k.grad[:, 4:]).sum()) == 0.0 and float(paddle.abs(v.grad[:, 4:]).sum()) == 0.0
    assert float(paddle.abs(k.grad[:, :4]).sum()) > 0.0
