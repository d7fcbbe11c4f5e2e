from sms_svc.entrypoints.main import main

main()
