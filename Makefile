# Thin aliases of the scripts in scripts/; the scripts are the real commands (the README names them).
.PHONY: run test lint format bench bundle deb

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
	./scripts/setup-venv.sh && QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} .venv/bin/python benchmarks/run_all.py

bundle:
	./scripts/setup-venv.sh && bash packaging/build.sh

# dist/pig-desktop_<version>_<arch>.deb (needs dpkg-dev, binutils and patchelf: scripts/install-system-deps.sh test)
deb:
	./scripts/setup-venv.sh && bash packaging/build.sh --deb
