from relwatch.cli import main

main()
