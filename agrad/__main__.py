from agrad.cli import main

raise SystemExit(main())
