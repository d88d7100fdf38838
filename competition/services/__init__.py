"""Use-cases: the code that web pages, sockets and commands call."""
