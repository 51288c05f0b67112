from whosbehind.cli import main

main()
