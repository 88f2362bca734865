"""System tests: several redac processes and the services they share, as in production."""
