from erniekit_doc.cli import main

raise SystemExit(main())
