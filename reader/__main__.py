"""Run the command line: ``python -m reader``."""

from reader.cli import main

if __name__ == "__main__":
    main()
