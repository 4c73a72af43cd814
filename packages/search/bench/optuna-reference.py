"""Run Optuna 3.1's TPESampler(seed=s) on the benchmarks of src/benchmarks.ts, for 20 seeds.

A reference, never a dependency: run it with the system's python3, which has Debian's
python3-optuna (3.1):

    /usr/bin/python3 packages/search/bench/optuna-reference.py

It writes fixtures/optuna-tpe.json: per benchmark, per seed, the best-so-far value after each
of the first 30 trials. The functions below must stay identical to those in src/benchmarks.ts.
Ordinal parameters are suggested as integer indices (suggest_int(0, k - 1)), which is how our
TPE models them, so both model the same thing.
"""

import json
import math
import os
import sys

import optuna

SEEDS = range(20)
TRIALS = 30

QUANTIZER_ERROR = {"integer": 0.0, "minifloat": 0.02, "log": 0.05, "binary": 0.15}
DATA_IN_WIDTHS = [2, 3, 4, 5, 6, 7, 8, 16]
WEIGHT_WIDTHS = [2, 4, 6, 8, 10, 12, 16]
BIAS_WIDTHS = [2, 4, 8, 16]


def precision(trial):
    quantizer = trial.suggest_categorical("quantizer", list(QUANTIZER_ERROR))
    data_in = DATA_IN_WIDTHS[trial.suggest_int("data_in_width", 0, len(DATA_IN_WIDTHS) - 1)]
    weight = WEIGHT_WIDTHS[trial.suggest_int("weight_width", 0, len(WEIGHT_WIDTHS) - 1)]
    bias = BIAS_WIDTHS[trial.suggest_int("bias_width", 0, len(BIAS_WIDTHS) - 1)]
    rate = trial.suggest_float("learning_rate", 1e-5, 1e-1, log=True)
    rate_term = math.log10(rate) + 2.5
    return (
        QUANTIZER_ERROR[quantizer]
        + 0.5 * math.exp(-0.6 * (data_in - 1))
        + 0.5 * math.exp(-0.5 * (weight - 1))
        + 0.1 * math.exp(-0.5 * (bias - 1))
        + 0.005 * (data_in + weight)
        + 0.001 * bias
        + 0.05 * rate_term * rate_term
    )


def branin(trial):
    x1 = trial.suggest_float("x1", -5, 10)
    x2 = trial.suggest_float("x2", 0, 15)
    b = 5.1 / (4 * math.pi * math.pi)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def best_so_far(objective, seed):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, n_trials=TRIALS)
    curve, best = [], math.inf
    for trial in study.trials:
        best = min(best, trial.value)
        curve.append(best)
    return curve


def main():
    out = {
        "optuna": optuna.__version__,
        "sampler": "TPESampler(seed=seed), defaults",
        "trials": TRIALS,
        "benchmarks": {
            name: {str(seed): best_so_far(objective, seed) for seed in SEEDS}
            for name, objective in (("precision", precision), ("branin", branin))
        },
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "optuna-tpe.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)
    print(f"wrote {os.path.normpath(path)}", file=sys.stderr)


if __name__ == "__main__":
    main()
