# Thin aliases of the scripts in scripts/; the scripts are the real commands (the README names them).
.PHONY: run test lint format bench bundle

run:
	./scripts/run-demo.sh

test:
	./scripts/test.sh

lint:
	./scripts/lint.sh

# Rewrites files: ruff's safe fixes, then ruff format.
format:
	./scripts/lint.sh --fix

bench:
	@if [ -f benchmarks/run_all.py ]; then \
		./scripts/setup-venv.sh && QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} .venv/bin/python benchmarks/run_all.py; \
	else \
		echo "There are no benchmarks yet (benchmarks/run_all.py does not exist)."; \
	fi

bundle:
	@if [ -f packaging/build.sh ]; then \
		./scripts/setup-venv.sh && bash packaging/build.sh; \
	else \
		echo "There is no packaging script yet (packaging/build.sh does not exist)."; \
	fi
