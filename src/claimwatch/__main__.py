from claimwatch.cli import main

raise SystemExit(main())
