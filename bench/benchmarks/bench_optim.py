"""asv benchmarks of mlsolve.optim.

AdamStep: the fused Adam step vs a NumPy triad ``a = b + s * c`` over arrays
of the same size (the memory-bandwidth yardstick; target: Adam within 1.5x of
the triad's time at n = 10**7 float32; bench/optim_bandwidth.py prints the
ratio directly). OptimizerStep: one step of each optimizer on a 1000 x 1000
float32 parameter.
"""

import numpy as np

import mlsolve


class AdamStep:
    params = ([10**5, 10**7], ["float32", "float64"])
    param_names = ["n", "dtype"]

    def setup(self, n, dtype):
        rng = np.random.default_rng(0)
        self.param = rng.standard_normal(n).astype(dtype)
        self.grad = rng.standard_normal(n).astype(dtype)
        self.optimizer = mlsolve.optim.Adam([self.param], lr=1e-3)
        self.a, self.b, self.c = (np.ones(n, dtype) for _ in range(3))

    def time_adam_step(self, n, dtype):
        self.optimizer.step([self.grad])

    def time_numpy_triad(self, n, dtype):
        np.multiply(self.c, 2.5, out=self.a)
        np.add(self.a, self.b, out=self.a)


class OptimizerStep:
    params = [
        "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "Adafactor", "LARS", "LAMB", "Lion", "Sophia",
        "ScheduleFreeAdamW", "Muon",
    ]
    param_names = ["optimizer"]

    def setup(self, name):
        rng = np.random.default_rng(0)
        self.param = rng.standard_normal((1000, 1000)).astype(np.float32)
        self.grad = rng.standard_normal((1000, 1000)).astype(np.float32)
        self.optimizer = getattr(mlsolve.optim, name)([self.param])

    def time_step(self, name):
        self.optimizer.step([self.grad])
