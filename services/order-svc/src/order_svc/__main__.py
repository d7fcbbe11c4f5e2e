from order_svc.entrypoints.main import main

main()
