from timer_svc.entrypoints.main import main

main()
