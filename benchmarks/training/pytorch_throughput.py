#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tapegrad developers
"""The epochs of training_throughput (T3, T4) in eager PyTorch, and the ratio to tapegrad.

    python3 benchmarks/training/pytorch_throughput.py \
        [--tapegrad build/benchmarks/training/training_throughput] [--rows 3072] [--threads 1]

Same shapes and work as throughput.cpp: MLP 784-256-128-10 (relu, softmax cross-entropy)
at batches 32, 128, 512 on `rows` rows, and 784-1024-1024-10 at batch 256 on 768 rows;
features uniform in [0, 1), 10 classes; Momentum 0.9 (torch.optim.SGD), learning rate
0.01; sequential batches; float64 and float32; the median of 5 epochs after a warm-up
epoch. The values are drawn by numpy, not by tapegrad's generator (the time of dense
products does not depend on them); the weights start uniform with He's bound, as
tapegrad's MLP does. With --tapegrad the C++ program runs first, in the same run, and
each row prints PyTorch / tapegrad (above 1: tapegrad is faster).

Optional and not part of the tests: without PyTorch (Debian: python3-torch, for
/usr/bin/python3) it prints why and exits 0. Debian's PyTorch takes its BLAS from
libblas.so.3; with libopenblas-dev installed that is OpenBLAS (update-alternatives), or
point LD_LIBRARY_PATH at an OpenBLAS. Debian's reference BLAS is 6-16x slower and is no
fair comparison.
"""

import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import time

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--tapegrad", help="training_throughput, run first for the ratio")
parser.add_argument("--rows", type=int, default=3072)
parser.add_argument("--threads", type=int, default=1)
args = parser.parse_args()
# The BLAS under PyTorch starts its own threads (OpenBLAS: one per core) unless told,
# and torch.set_num_threads does not reach a BLAS it does not know: set both before
# import. PyTorch's OpenMP threads spin while OpenBLAS's run unless made passive (with
# spinning, 2 threads were 2-4x slower than 1 here).
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = str(args.threads)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

try:
    import numpy as np
    import torch
except ImportError as error:  # optional: a message, never a failure
    print(f"pytorch_throughput: skipped, PyTorch is not importable here ({error}); "
          "Debian: apt-get install python3-torch, then run it with /usr/bin/python3")
    sys.exit(0)


def model(sizes, dtype):
    layers = []
    rng = np.random.default_rng(1)
    for l in range(1, len(sizes)):
        linear = torch.nn.Linear(sizes[l - 1], sizes[l]).to(dtype)
        relu_next = l < len(sizes) - 1
        bound = math.sqrt(6.0 / sizes[l - 1]) if relu_next else math.sqrt(6.0 / (sizes[l - 1] + sizes[l]))
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(rng.uniform(-bound, bound, (sizes[l], sizes[l - 1]))))
            linear.bias.zero_()
        layers.append(linear)
        if relu_next:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def data(rows, dtype):
    rng = np.random.default_rng(5)
    X = rng.uniform(0.0, 1.0, (rows, 784))
    y = (X[:, :8].sum(axis=1) * 10 / 8).astype(np.int64) % 10
    return torch.from_numpy(X).to(dtype).contiguous(), torch.from_numpy(y)


def ms_per_epoch(sizes, rows, M, dtype):
    X, y = data(rows, dtype)
    net = model(sizes, dtype)
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)

    def epoch():
        for first in range(0, rows, M):
            optimizer.zero_grad()
            loss = loss_fn(net(X[first:first + M]), y[first:first + M])
            loss.backward()
            optimizer.step()

    epoch()  # warm-up
    times = []
    for _ in range(5):
        start = time.perf_counter()
        epoch()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def tapegrad_rows(program, rows, threads):
    """{(model, dtype, M): ms} from training_throughput's output."""
    out = subprocess.run([program, str(rows), str(threads)], check=True, capture_output=True, text=True).stdout
    print(out, end="")
    found = {}
    for line in out.splitlines():
        m = re.match(r"T[34]\s+(\S+)\s+(float\d+)\s+M =\s+(\d+).*?tapegrad\s+([\d.]+) ms", line)
        if m:
            found[(m.group(1), m.group(2), int(m.group(3)))] = float(m.group(4))
    return found


def main():
    torch.set_num_threads(args.threads)
    tapegrad = tapegrad_rows(args.tapegrad, args.rows, args.threads) if args.tapegrad else {}
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s); ms per epoch, median of 5")
    for name, dtype in (("float64", torch.float64), ("float32", torch.float32)):
        cases = [("784-256-128-10", [784, 256, 128, 10], args.rows, M) for M in (32, 128, 512)]
        cases.append(("784-1024-1024-10", [784, 1024, 1024, 10], 768, 256))
        for label, sizes, rows, M in cases:
            ms = ms_per_epoch(sizes, rows, M, dtype)
            line = f"{label:<16} {name} M = {M:4d} {rows:6d} rows: PyTorch {ms:9.2f} ms"
            ours = tapegrad.get((label, name, M))
            if ours:
                line += f"  tapegrad {ours:9.2f} ms  PyTorch / tapegrad {ms / ours:5.2f}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
