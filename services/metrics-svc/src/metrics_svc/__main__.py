from metrics_svc.entrypoints.main import main

main()
