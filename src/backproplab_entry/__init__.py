"""The ``backproplab`` command's entry point, outside the package on purpose.

Importing :mod:`backproplab` takes a moment (NumPy, scikit-learn); a Ctrl-C during it
would end in a traceback, because :func:`backproplab.cli.main` is not running yet to
catch it. This module imports nothing but ``sys`` and ``signal`` before its guard, so a
Ctrl-C at any moment of the start ends like one during a run: a line on stderr and exit
code 130.

While the package is imported, a Ctrl-C is only noted, and acted on once the import is
done: a ``KeyboardInterrupt`` raised inside an extension module's import would come out
as something else (NumPy's reads ``ImportError: PyCapsule_Import could not import module
"datetime"``), or be printed and dropped inside a callback.
"""

import signal
import sys


def main() -> int:
    noted = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: noted.append(signum))
    except KeyboardInterrupt:
        noted.append(signal.SIGINT)
        previous = None
    try:
        if not noted:
            from backproplab.cli import main as run
    except BaseException:
        if not noted:  # a real error: as it is
            raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if noted:
        sys.stderr.write("backproplab: interrupted\n")
        return 130
    return run()
