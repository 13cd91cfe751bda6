"""Setting up a connector from the live accounts: `tripleseat-revel locations init`.

`accounts` reads what both vendors have (through the vendor clients), `draft` suggests a locations
file from it (pure: names in, suggestions out), `toml_file` writes the suggestion as a commented
TOML file the config loader accepts.
"""
