"""`python -m competition` runs the same command line as the `competition` script."""

from __future__ import annotations

from competition.commands import main

if __name__ == "__main__":
    main(prog_name="competition")
