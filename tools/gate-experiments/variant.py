#!/usr/bin/env python3
"""Writes a variant of a suite for the gate experiments (needs PyYAML: apt-get install python3-yaml).

usage: variant.py SUITE.yaml KIND OUT.yaml
  lr-x10       every cell's learning rate times 10 (suite, models and overrides; stages keep theirs)
  wider-cnn3d  the 3D CNN's widthFactor times 1.25 (its parameter counts change)
  threads-1    one intra-op thread for the CNNs instead of the suite's (same function, other rounding)
"""
import sys
import yaml


def scale_lr(training, factor):
    if isinstance(training, dict) and "learningRate" in training:
        training["learningRate"] = training["learningRate"] * factor


def main():
    source, kind, out = sys.argv[1:4]
    with open(source) as f:
        suite = yaml.safe_load(f)
    if kind == "lr-x10":
        suite.setdefault("training", {})
        suite["training"]["learningRate"] = suite["training"].get("learningRate", 0.001) * 10
        for m in suite.get("models", []):
            scale_lr(m.get("training"), 10)
        for o in suite.get("overrides", []):
            scale_lr(o.get("training"), 10)
        for s in suite.get("stages", []):  # stages keep the suite's original rate where they inherit it
            s.setdefault("training", {})
            s["training"].setdefault("learningRate", suite["training"]["learningRate"] / 10)
    elif kind == "wider-cnn3d":
        for m in suite.get("models", []):
            if m.get("id") == "cnn3d":
                m.setdefault("params", {})
                m["params"]["widthFactor"] = m["params"].get("widthFactor", 1.0) * 1.25
    elif kind == "threads-1":
        suite["threads"] = 1
    else:
        sys.exit(f"unknown variant {kind}")
    with open(out, "w") as f:
        f.write(f"# {kind} variant of {source}, written by tools/gate-experiments/variant.py\n")
        yaml.safe_dump(suite, f, sort_keys=False)


if __name__ == "__main__":
    main()
