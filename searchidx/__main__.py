import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while the libraries load: no traceback
    sys.stderr.write("searchidx: interrupted\n")
    sys.exit(130)

main()
