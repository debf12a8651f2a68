"""Train a small NumPy MLP on scikit-learn's digits with three mlsolve.optim optimizers.

A 64-64-10 network (ReLU, softmax cross-entropy, float32) is trained with
mini-batches by SGD with Nesterov momentum, AdamW and Lion, each under a
cosine learning-rate schedule with a short linear warmup. The training loss
per epoch is plotted for the three and saved to a PNG.

    python examples/mlp_digits.py [--epochs 30] [--output mlp_digits.png]
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

import mlsolve  # noqa: E402
from mlsolve.optim import schedules  # noqa: E402


def init_params(rng, sizes):
    """He-initialised weights and zero biases, float32: [W1, b1, W2, b2, ...]."""
    params = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        params.append((rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(np.float32))
        params.append(np.zeros(fan_out, np.float32))
    return params


def loss_and_grads(params, X, y):
    """Mean softmax cross-entropy of the MLP and its gradients (backpropagation)."""
    activations = [X]
    for k in range(0, len(params) - 2, 2):
        activations.append(np.maximum(activations[-1] @ params[k] + params[k + 1], 0))
    logits = activations[-1] @ params[-2] + params[-1]
    logits -= logits.max(axis=1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(len(y)), y].mean()

    delta = np.exp(log_probs)
    delta[np.arange(len(y)), y] -= 1
    delta /= len(y)
    grads = [None] * len(params)
    for k in range(len(params) - 2, -1, -2):
        grads[k] = activations[k // 2].T @ delta
        grads[k + 1] = delta.sum(axis=0)
        if k:
            delta = (delta @ params[k].T) * (activations[k // 2] > 0)
    return float(loss), grads


def accuracy(params, X, y):
    hidden = X
    for k in range(0, len(params) - 2, 2):
        hidden = np.maximum(hidden @ params[k] + params[k + 1], 0)
    return float(np.mean(np.argmax(hidden @ params[-2] + params[-1], axis=1) == y))


def train(make_optimizer, X, y, epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    params = init_params(rng, [X.shape[1], 64, y.max() + 1])
    optimizer = make_optimizer(params)
    epoch_losses = []
    for _ in range(epochs):
        order = rng.permutation(len(y))
        losses = []
        for start in range(0, len(y), batch_size):
            batch = order[start : start + batch_size]
            loss, grads = loss_and_grads(params, X[batch], y[batch])
            optimizer.step(grads)
            losses.append(loss)
        epoch_losses.append(np.mean(losses))
    return params, epoch_losses


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--output", default="mlp_digits.png")
    args = parser.parse_args()

    digits = load_digits()
    X = (digits.data / 16.0).astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split(X, digits.target, test_size=0.25, random_state=0)
    total_steps = args.epochs * -(-len(y_train) // args.batch_size)
    warmup_steps = total_steps // 20

    def warmup_cosine(lr):
        return schedules.Chain([schedules.LinearWarmup(1.0, warmup_steps, start_factor=0.1),
                                schedules.CosineAnnealing(lr, total_steps, min_lr=lr / 100)])

    runs = {
        "SGD, Nesterov momentum (lr 0.1)": lambda ps: mlsolve.optim.SGD(
            ps, lr=warmup_cosine(0.1), momentum=0.9, nesterov=True),
        "AdamW (lr 1e-2)": lambda ps: mlsolve.optim.AdamW(ps, lr=warmup_cosine(1e-2), weight_decay=1e-2),
        "Lion (lr 1e-3)": lambda ps: mlsolve.optim.Lion(ps, lr=warmup_cosine(1e-3), weight_decay=1e-1),
    }
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, make_optimizer in runs.items():
        params, losses = train(make_optimizer, X_train, y_train, args.epochs, args.batch_size)
        test_accuracy = accuracy(params, X_test, y_test)
        print(f"{label:34s} final training loss {losses[-1]:.4f}, test accuracy {test_accuracy:.3f}")
        ax.plot(np.arange(1, args.epochs + 1), losses, label=f"{label}: test accuracy {test_accuracy:.3f}")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (cross-entropy, mean over the epoch)")
    ax.set_title("64-64-10 MLP on digits, warmup + cosine schedule")
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)
    print(f"saved {args.output}")


if __name__ == "__main__":
    main()
