"""PyTorch's training and inference throughput for Machop.ts layer lists, as a reference.

Driven by bench/engines.mjs through stdin, one JSON object per line: first
  {"data": "<file of float32 rows then int32 labels>", "rows": N, "features": F, "seconds": S}
then one case per line, {"name": ..., "layers": [...LayerSpec], "batch": B, "mode": "train"|"infer",
"threads": T (default 1)},
each answered with one line {"name", "batch", "mode", "samplesPerSecond"}, measured over whole
passes through the rows for at least S seconds after a warm-up. Cases come one at a time so that
the JS engines and PyTorch are measured side by side, not minutes apart on a shared machine.
On T threads, one unless a case asks for more: torch.set_num_threads(T) for PyTorch's own
pool, and openblas_set_num_threads(T) for OpenBLAS's, which is separate. Left at its default
(one thread per core) OpenBLAS ran jsc-tiny's products on two threads beside a "one-thread"
PyTorch, and 20 times slower than on one (2.7M against 54M samples/s, 8 December 2026).
The first request is answered with {"torch": version, "blas": the BLAS library the process
loaded}: Debian's python3-torch calls whatever libblas.so.3 points at, and the reference BLAS
(libblas3, what a bare install has) makes small matrix products about ten times slower than
OpenBLAS (libopenblas0-pthread), which would flatter every ratio against PyTorch.
Layers with `quant` (a LayerSpec's QuantSpec) become MASE's quantized modules, LinearInteger and
ReLUInteger with its integer quantizer and straight-through gradients, taken from
packages/graph/fixtures/make-quant-fixture.py so that the bench and the fixture the engines replay
share one transcription of MASE. A case {"mode": "check", "layers", "weights": [{name, shape,
values}] in tfjs' layout, "batch", "seed"} answers {"loss": the train-mode loss of the first
`batch` rows}, with dropout drawing Machop.ts' masks for engine seed `seed` at step 0, so that the
bench can check PyTorch's model against the fused engine's first step on the same weights.
Run with Debian's python3-torch: /usr/bin/python3.
"""
import importlib.util
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn


def load_mase():
    """The fixture script as a module (its name has dashes); importing it writes nothing."""
    here = os.path.dirname(os.path.abspath(__file__))
    script = os.path.join(here, "..", "..", "graph", "fixtures", "make-quant-fixture.py")
    spec = importlib.util.spec_from_file_location("make_quant_fixture", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mase = load_mase()
torch.set_num_threads(1)


def build(layers, features):
    modules, width = [], features
    for spec in layers:
        kind = spec["type"]
        if kind == "dense" and "quant" in spec:
            modules.append(mase.LinearInteger(width, spec["units"], spec["quant"]))
            width = spec["units"]
        elif kind == "dense":
            modules.append(nn.Linear(width, spec["units"], bias=spec.get("useBias", True)))
            width = spec["units"]
        elif kind == "batchNorm":
            modules.append(nn.BatchNorm1d(width, momentum=0.1, eps=spec.get("epsilon", 1e-5)))
        elif kind == "dropout":
            modules.append(nn.Dropout(spec["rate"]))
        elif kind == "activation" and "quant" in spec:
            if spec["activation"] != "relu":
                raise SystemExit(f"torch_bench: MASE quantizes relu, not {spec['activation']!r}")
            modules.append(mase.ReLUInteger(spec["quant"]))
        elif kind == "activation":
            act = spec["activation"]
            modules.append({"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
                            "elu": nn.ELU, "selu": nn.SELU, "linear": nn.Identity}[act]())
        else:
            raise SystemExit(f"torch_bench: unknown layer type {kind!r}")
    return nn.Sequential(*modules)


def first_loss(case, x, y):
    """The train-mode loss of the first case["batch"] rows under the given tfjs-named weights."""
    mase.SEED, mase.STEP = case["seed"], 0
    model, params = mase.build(case["layers"])
    given = {weight["name"]: weight for weight in case["weights"]}

    def value(name):
        weight = given.pop(name)
        return torch.tensor(weight["values"], dtype=torch.float32).reshape(weight["shape"])

    with torch.no_grad():
        for name, tensor, transpose in params:
            tensor.copy_(value(name).t() if transpose else value(name))
        norms = [module for module in model if isinstance(module, nn.BatchNorm1d)]
        names = [name.split("/")[0] for name, _, _ in params if name.endswith("/gamma")]
        for module, name in zip(norms, names):
            module.running_mean.copy_(value(f"{name}/moving_mean"))
            module.running_var.copy_(value(f"{name}/moving_variance"))
    if given:
        raise SystemExit(f"torch_bench: weights the model does not have: {', '.join(given)}")
    model.train()
    batch = case["batch"]
    return nn.functional.cross_entropy(model(x[:batch]), y[:batch]).item()


def blas_library():
    """The resolved path of the BLAS shared library this process has mapped, after a product."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.rsplit("/", 1)[-1]}
    return ", ".join(sorted(os.path.realpath(path) for path in paths)) or "unknown"


def openblas_threads():
    """A setter of OpenBLAS's thread count when OpenBLAS is the BLAS loaded, else None."""
    import ctypes
    for path in blas_library().split(", "):
        if "openblas" in path:
            setter = getattr(ctypes.CDLL(path), "openblas_set_num_threads", None)
            if setter is not None:
                return setter
    return None


def main():
    request = json.loads(sys.stdin.readline())
    rows, features = request["rows"], request["features"]
    raw = np.fromfile(request["data"], dtype=np.uint8)
    x = torch.from_numpy(raw[: rows * features * 4].view(np.float32).reshape(rows, features).copy())
    y = torch.from_numpy(raw[rows * features * 4:].view(np.int32).astype(np.int64))
    seconds = request.get("seconds", 1.0)
    print(json.dumps({"torch": torch.__version__, "blas": blas_library()}), flush=True)
    set_blas_threads = openblas_threads()
    for line in sys.stdin:
        case = json.loads(line)
        if case["mode"] == "check":
            print(json.dumps({"name": case["name"], "loss": first_loss(case, x, y)}), flush=True)
            continue
        torch.set_num_threads(case.get("threads", 1))
        if set_blas_threads is not None:
            set_blas_threads(case.get("threads", 1))
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
