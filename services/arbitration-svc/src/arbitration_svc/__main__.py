from arbitration_svc.entrypoints.main import main

main()
