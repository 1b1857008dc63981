"""Build-time tools: they make the files the runtime reads (`gazetteers.json`), and are never imported by it."""
