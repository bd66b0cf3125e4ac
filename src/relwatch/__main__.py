from relwatch.cli import main

main(prog_name="python -m relwatch")
