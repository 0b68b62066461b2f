"""CLI sub-command groups. Each module exposes ``register(subparsers)``; none imports Textual."""
