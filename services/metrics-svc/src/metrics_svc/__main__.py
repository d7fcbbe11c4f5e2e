import sys

from metrics_svc.entrypoints.cli import run
from metrics_svc.entrypoints.main import main

if len(sys.argv) > 1:
    sys.exit(run(sys.argv[1:]))
main()
