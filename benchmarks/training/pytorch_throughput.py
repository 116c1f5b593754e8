#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tapegrad developers
"""The epochs of training_throughput (T3, T4) in eager PyTorch, and the ratio to tapegrad.

    python3 benchmarks/training/pytorch_throughput.py \
        [--tapegrad build/benchmarks/training/training_throughput] [--rows 3072] [--threads 1]
    python3 benchmarks/training/pytorch_throughput.py --flagship \
        [--tapegrad build/benchmarks/threads/threads_epochs]

Same shapes and work as throughput.cpp: MLP 784-256-128-10 (relu, softmax cross-entropy)
at batches 32, 128, 512 on `rows` rows, and 784-1024-1024-10 at batch 256 on 768 rows;
features uniform in [0, 1), 10 classes; Momentum 0.9 (torch.optim.SGD), learning rate
0.01; sequential batches; float64 and float32; the median of 5 epochs after a warm-up
epoch. The values are drawn by numpy, not by tapegrad's generator (the time of dense
products does not depend on them); the weights start uniform with He's bound, as
tapegrad's MLP does. With --tapegrad the C++ program runs first, in the same run, and
each row prints PyTorch / tapegrad (above 1: tapegrad is faster).

--flagship times the flagship's network instead, as benchmarks/threads/epochs.cpp does:
64-32-32-10 relu on the training rows of digits (examples/data/digits.csv.gz, features
/ 16; 1,348 rows), shuffled batches of 32 and 128 (torch.randperm), Momentum 0.9, learning rate 0.01;
ms per epoch, the median of 7 runs of 20 epochs after a warm-up run.

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
parser.add_argument("--flagship", action="store_true", help="the flagship's 64-32-32-10 network on digits")
parser.add_argument("--openblas-coretype", help="OpenBLAS's kernels (default: its own choice for this CPU)")
args = parser.parse_args()
# The BLAS under PyTorch starts its own threads (OpenBLAS: one per core) unless told,
# and torch.set_num_threads does not reach a BLAS it does not know: set both before
# import. PyTorch's OpenMP threads spin while OpenBLAS's run unless made passive (with
# spinning, 2 threads were 2-4x slower than 1 here).
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = str(args.threads)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# OpenBLAS chooses its kernels by the CPU (here Cooperlake's, AVX-512) unless
# OPENBLAS_CORETYPE says otherwise, and this machine's environment sets it to Haswell
# (AVX2): 40 GFLOPS on T3's first float64 product against 69-71. PyTorch (and tapegrad's
# OpenBLAS build) are measured with OpenBLAS's own choice; --openblas-coretype sets one.
os.environ.pop("OPENBLAS_CORETYPE", None)
if args.openblas_coretype:
    os.environ["OPENBLAS_CORETYPE"] = args.openblas_coretype

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


def median_ms(run, repeats, per_call=1):
    """The median time of `repeats` calls of run() after one warm-up call, in ms per
    `per_call` (run() doing that many epochs)."""
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1e3 / per_call)
    return statistics.median(times)


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

    return median_ms(epoch, 5)


def tapegrad_rows(program, rows, threads):
    """{(model, dtype, M): ms} from training_throughput's output (with `threads` of them)."""
    # tapegrad's threads each run their own shard's products: a BLAS under it (the
    # OpenBLAS build) must not start threads of its own, or 2 threads each start 2.
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    out = subprocess.run([program, str(rows), str(threads)], check=True, capture_output=True, text=True,
                         env=env).stdout
    print(out, end="")
    found = {}
    for line in out.splitlines():
        m = re.match(r"T[34]\s+(\S+)\s+(float\d+)\s+M =\s+(\d+).*?tapegrad\s+([\d.]+) ms"
                     r"(?: \(\d+ threads\s+([\d.]+) ms)?", line)
        if m:
            found[(m.group(1), m.group(2), int(m.group(3)))] = float(m.group(5) if threads > 1 else m.group(4))
    return found


def flagship(program):
    """The flagship's network in PyTorch (see the file comment), against threads_epochs."""
    ours = {}
    if program:
        out = subprocess.run([program], check=True, capture_output=True, text=True).stdout
        print(out, end="")
        for line in out.splitlines():
            m = re.match(r"flagship \S+\s+M =\s+(\d+)\s+threads (\d+):\s+([\d.]+) ms", line)
            if m:
                ours[(int(m.group(1)), int(m.group(2)))] = float(m.group(3))
    here = os.path.dirname(os.path.abspath(__file__))
    import gzip
    with gzip.open(os.path.join(here, "..", "..", "examples", "data", "digits.csv.gz"), "rt") as f:
        table = np.loadtxt(f, delimiter=",")
    rows = table.shape[0] - round(0.25 * table.shape[0])  # train_test_split(all, 0.25): 1,348 rows
    X = torch.from_numpy(table[:rows, :64] / 16.0).contiguous()
    y = torch.from_numpy(table[:rows, 64].astype(np.int64))
    torch.manual_seed(3)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s), OPENBLAS_CORETYPE="
          f"{os.environ.get('OPENBLAS_CORETYPE', '(OpenBLAS chooses)')}; ms per epoch, median of 7 x 20 epochs")
    for M in (32, 128):
        net = model([64, 32, 32, 10], torch.float64)
        loss_fn = torch.nn.CrossEntropyLoss()
        optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)

        def epochs(count=20):
            for _ in range(count):
                order = torch.randperm(rows)
                for first in range(0, rows, M):
                    batch = order[first:first + M]
                    optimizer.zero_grad()
                    loss_fn(net(X[batch]), y[batch]).backward()
                    optimizer.step()

        ms = median_ms(epochs, 7, per_call=20)
        line = f"flagship 64-32-32-10 float64 M = {M:4d} {rows:6d} rows: PyTorch {ms:9.3f} ms"
        mine = ours.get((M, args.threads))
        if mine:
            line += f"  tapegrad {mine:9.3f} ms  PyTorch / tapegrad {ms / mine:5.2f}"
        print(line, flush=True)


def main():
    torch.set_num_threads(args.threads)
    if args.flagship:
        return flagship(args.tapegrad)
    tapegrad = tapegrad_rows(args.tapegrad, args.rows, args.threads) if args.tapegrad else {}
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s), OPENBLAS_CORETYPE="
          f"{os.environ.get('OPENBLAS_CORETYPE', '(OpenBLAS chooses)')}; ms per epoch, median of 5")
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
