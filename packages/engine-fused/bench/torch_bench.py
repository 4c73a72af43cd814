"""PyTorch's training and inference throughput for Machop.ts layer lists, as a reference.

Driven by bench/engines.mjs through stdin, one JSON object per line: first
  {"data": "<file of float32 rows then int32 labels>", "rows": N, "features": F, "seconds": S}
then one case per line, {"name": ..., "layers": [...LayerSpec], "batch": B, "mode": "train"|"infer",
"threads": T (default 1)},
each answered with one line {"name", "batch", "mode", "samplesPerSecond"}, measured over whole
passes through the rows for at least S seconds after a warm-up. Cases come one at a time so that
the JS engines and PyTorch are measured side by side, not minutes apart on a shared machine.
On T threads (torch.set_num_threads), one unless a case asks for more.
The first request is answered with {"torch": version, "blas": the BLAS library the process
loaded}: Debian's python3-torch calls whatever libblas.so.3 points at, and the reference BLAS
(libblas3, what a bare install has) makes small matrix products about ten times slower than
OpenBLAS (libopenblas0-pthread), which would flatter every ratio against PyTorch.
Run with Debian's python3-torch: /usr/bin/python3.
"""
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)


def build(layers, features):
    modules, width = [], features
    for spec in layers:
        kind = spec["type"]
        if kind == "dense":
            modules.append(nn.Linear(width, spec["units"], bias=spec.get("useBias", True)))
            width = spec["units"]
        elif kind == "batchNorm":
            modules.append(nn.BatchNorm1d(width, momentum=0.1, eps=spec.get("epsilon", 1e-5)))
        elif kind == "dropout":
            modules.append(nn.Dropout(spec["rate"]))
        elif kind == "activation":
            act = spec["activation"]
            modules.append({"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
                            "elu": nn.ELU, "selu": nn.SELU, "linear": nn.Identity}[act]())
        else:
            raise SystemExit(f"torch_bench: unknown layer type {kind!r}")
    return nn.Sequential(*modules)


def blas_library():
    """The resolved path of the BLAS shared library this process has mapped, after a product."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.rsplit("/", 1)[-1]}
    return ", ".join(sorted(os.path.realpath(path) for path in paths)) or "unknown"


def main():
    request = json.loads(sys.stdin.readline())
    rows, features = request["rows"], request["features"]
    raw = np.fromfile(request["data"], dtype=np.uint8)
    x = torch.from_numpy(raw[: rows * features * 4].view(np.float32).reshape(rows, features).copy())
    y = torch.from_numpy(raw[rows * features * 4:].view(np.int32).astype(np.int64))
    seconds = request.get("seconds", 1.0)
    print(json.dumps({"torch": torch.__version__, "blas": blas_library()}), flush=True)
    for line in sys.stdin:
        case = json.loads(line)
        torch.set_num_threads(case.get("threads", 1))
        torch.manual_seed(0)
        model = build(case["layers"], features)
        batch = case["batch"]
        starts = range(0, rows - batch + 1, batch)
        if case["mode"] == "train":
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
            loss_fn = nn.CrossEntropyLoss()
            model.train()

            def one_pass():
                for start in starts:
                    optimizer.zero_grad()
                    loss = loss_fn(model(x[start:start + batch]), y[start:start + batch])
                    loss.backward()
                    optimizer.step()
        else:
            model.eval()

            def one_pass():
                with torch.no_grad():
                    for start in starts:
                        model(x[start:start + batch])
        one_pass()
        passes, began = 0, time.perf_counter()
        while passes == 0 or time.perf_counter() - began < seconds:
            one_pass()
            passes += 1
        elapsed = time.perf_counter() - began
        samples = passes * len(starts) * batch
        print(json.dumps({"name": case["name"], "batch": batch, "mode": case["mode"],
                          "samplesPerSecond": samples / elapsed}), flush=True)


if __name__ == "__main__":
    main()
