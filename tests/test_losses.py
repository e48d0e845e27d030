import math

import numpy as np
import paddle

from erniekit_doc.nn.losses import masked_cross_entropy_sum


def test_loss_with_ignored_labels_equals_hand_computed_value():
    logits = paddle.to_tensor([[[2.0, 0.0, 0.0], [0.0, 1.0, 0.0], [5.0, 5.0, 5.0], [0.0, 0.0, 3.0]]])
    labels = paddle.to_tensor([[0, -100, 1, -100]])
    total, count = masked_cross_entropy_sum(logits, labels)
    expected = -(2 - math.log(math.exp(2) + 2)) - (5 - math.log(3 * math.exp(5)))  # tokens 0 and 2 only
    assert int(count) == 2
    assert abs(float(total) - expected) < 1e-6
    assert abs(float(total) / int(count) - expected / 2) < 1e-6  # mean over labelled tokens, not all 4


def test_all_ignored_gives_zero_and_keeps_graph():
    logits = paddle.randn([2, 3, 5])
    logits.stop_gradient = False
    total, count = masked_cross_entropy_sum(logits, paddle.full([2, 3], -100, dtype="int64"))
    total.backward()
    assert int(count) == 0 and float(total) == 0.0 and float(paddle.abs(logits.grad).sum()) == 0.0


def test_label_smoothing_and_class_weights():
    rng = np.random.default_rng(0)
    lg = rng.standard_normal((6, 4)).astype("float32")
    lb = np.array([0, 1, 2, 3, -100, 1])
    w = np.array([1.0, 2.0, 0.5, 1.0], dtype="float32")
    total, count = masked_cross_entropy_sum(paddle.to_tensor(lg), paddle.to_tensor(lb), label_smoothing=0.1,
                                            class_weights=paddle.to_tensor(w))
    logp = lg - np.log(np.exp(lg).sum(-1, keepdims=True))
    exp = sum(w[y] * (0.9 * -logp[i, y] - 0.1 * logp[i].mean()) for i, y in enumerate(lb) if y != -100)
    assert int(count) == 5 and abs(float(total) - exp) < 1e-5
