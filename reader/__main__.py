"""Run the command line: ``python -m reader``."""

from reader.cli import cli

if __name__ == "__main__":
    cli()
