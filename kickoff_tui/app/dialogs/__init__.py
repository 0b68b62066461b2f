"""Modal dialogs (help, open file, acknowledge a flag, jump to a question)."""
