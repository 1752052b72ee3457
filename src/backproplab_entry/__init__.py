"""The ``backproplab`` command's entry point, outside the package on purpose.

Importing :mod:`backproplab` takes a moment (NumPy, scikit-learn); a Ctrl-C during it
would end in a traceback, because :func:`backproplab.cli.main` is not running yet to
catch it. This module imports nothing but ``sys`` before its guard, so a Ctrl-C at any
moment of the start ends like one during a run: a line on stderr and exit code 130.
"""

import sys


def main() -> int:
    try:
        from backproplab.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("backproplab: interrupted\n")
        return 130
    return run()
