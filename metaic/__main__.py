"""`python -m metaic <command>`: see metaic/cli.py."""

from metaic.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
