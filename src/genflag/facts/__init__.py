"""What is known about a clip: the lazy fact view rules read, and the fields it offers."""
