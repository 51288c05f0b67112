from whosbehind.cli import app

app()
