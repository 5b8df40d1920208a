"""The HTML fixes applied to what Markdown and the theme produced: French typography, accessibility, theme markup."""
