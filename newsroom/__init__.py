"""Le Fil Tech newsroom tools: site checks and editor commands."""
