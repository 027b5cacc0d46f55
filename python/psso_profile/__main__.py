"""The ``psso-profile`` command: ``python -m psso_profile`` runs it too."""

import signal
import sys
from typing import List, NoReturn, Optional

from ._native import run_cli


def main(argv: Optional[List[str]] = None) -> NoReturn:
    """Run the ``psso-profile`` command line with ``argv`` (default: ``sys.argv[1:]``)
    and exit with its code: the same program as the Rust binary, options, output
    and exit codes included."""
    args = sys.argv[1:] if argv is None else list(argv)
    # As in the binary: Ctrl-C stops the program at once, even inside a long batch.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.stdout.flush()
    sys.exit(run_cli(["psso-profile", *args]))


if __name__ == "__main__":
    main()
