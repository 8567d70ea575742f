"""python -m isrd: the isrd command, for environments whose scripts folder is not on PATH."""
import sys

from .cli import main

sys.exit(main())
