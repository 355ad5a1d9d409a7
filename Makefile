# The two commands of the README. Everything else is in scripts/.
.PHONY: demo test bench

demo:  ## set up and run the app on the embedded SQLite database with the synthetic sample data
	bash scripts/setup-python.sh
	PYTHAINLP_OFFLINE=1 .venv/bin/fieldsvc demo

test:  ## set up and run lint, types and the full test suite on SQLite and on PostGIS
	bash scripts/test.sh

bench:  ## run the benchmarks (not part of the tests); see bench/README.md
	bash scripts/setup-python.sh test
	.venv/bin/python -m bench
