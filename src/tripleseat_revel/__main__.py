from tripleseat_revel.cli import main

main()
