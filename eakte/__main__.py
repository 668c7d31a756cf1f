"""`python -m eakte` is the same as the `eakte` console script."""

from eakte.cli import main

main()
