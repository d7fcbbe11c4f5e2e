import sys

from order_svc.entrypoints.main import main, migrate_history

if sys.argv[1:] == ["migrate-history"]:
    migrate_history()
else:
    main()
