"""The shared core every domain uses: routing, commands, context, chat messages, texts."""
