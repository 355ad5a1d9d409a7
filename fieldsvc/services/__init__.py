"""Use cases: each takes a database session and plain arguments, decides who may do what,
owns its transaction and returns a result. The CLI, the API, the pages and the notebooks all
call these; nothing below them commits."""
