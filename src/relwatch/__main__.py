from relwatch.entry import main

main(prog_name="python -m relwatch")
