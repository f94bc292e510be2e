#!/usr/bin/env python3
"""Runs the official ONNX checker over every .onnx file in a directory.

    /usr/bin/python3 tools/onnx/check_models.py DIR

For each file: onnx.checker.check_model(model, full_check=True) (structure, opset and type checks,
then strict shape inference). Prints one line per failing file and a closing count, and exits 1 if
any file fails. Used by the export tests (packages/core/test/interop/onnx/checker.test.ts); needs
Debian's python3-onnx.
"""
import os
import sys

import onnx


def main(directory):
    files = sorted(f for f in os.listdir(directory) if f.endswith('.onnx'))
    failed = 0
    for name in files:
        try:
            onnx.checker.check_model(onnx.load(os.path.join(directory, name)), full_check=True)
        except Exception as err:  # the checker raises several exception types
            failed += 1
            print(f'{name}: {type(err).__name__}: {err}'.splitlines()[0])
    print(f"onnx {onnx.__version__} checked {len(files)} models, {failed} failing")
    return 1 if failed or not files else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
