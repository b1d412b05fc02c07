from kgraphlint.cli import main

raise SystemExit(main())
