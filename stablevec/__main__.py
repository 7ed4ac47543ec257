"""``python -m stablevec``: the same as the ``stablevec`` console script."""

import sys

from stablevec.cli import main

if __name__ == "__main__":
    sys.exit(main())
