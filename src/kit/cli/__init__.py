"""What the command-line scripts share: French argument types and French messages for system errors."""
