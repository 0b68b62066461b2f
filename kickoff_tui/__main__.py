import sys

from kickoff_tui.cli import main

sys.exit(main())
