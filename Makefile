# Targets for developers and CI. `make test` is what .ci/run calls.
.PHONY: install infra-up infra-down infra-status check test run web faults bench

# Extra pytest arguments, e.g. make test PYTEST_ARGS="-k compose -x"
PYTEST_ARGS ?=

install:
	deploy/local/install.sh

infra-up:
	deploy/local/stack.sh up

infra-down:
	deploy/local/stack.sh down

infra-status:
	deploy/local/stack.sh status

# Lint and type check: any finding fails the build (CI runs it first, through `make test`).
check: install
	uv run --frozen ruff check .
	uv run --frozen mypy libs/servicekit/src services/*/src

# The stack is started around the whole run and stopped after it (unless it
# was already up), so the integration tests meet a real Kafka and FerretDB.
test: install check web
	deploy/local/with-stack.sh uv run --frozen pytest -q $(PYTEST_ARGS)

# The web app: typed clients generated from the contracts, type check, build, then its unit tests.
# A contract change that breaks a screen fails here. The browser tests run with pytest (web/tests).
web:
	npm --prefix web run build
	npm --prefix web run unit

run:
	deploy/local/run.sh

# The system fault suite in full (every process killed under load, 15 s broker and 12 s store stops,
# more flows) and the offered-versus-served curve; figures in tests/faults/results/ for docs/reliability.md.
# `make test` runs its reduced form. About 15 minutes on two cores.
faults: install
	REDRESS_FAULTS=full REDRESS_FAULTS_RESULTS=$(CURDIR)/tests/faults/results/latest.json deploy/local/with-stack.sh uv run --frozen pytest -q tests/faults \
		libs/servicekit/tests/integration/test_broker_restart_recovery.py $(PYTEST_ARGS)
	deploy/local/with-stack.sh uv run --frozen python tests/faults/overload_curve.py

# Benchmarks on growing stores, then the five services as processes at rising rates, then
# docs/performance.md. Every measurement is bounded in count and time; the whole took about an hour
# and a half on a shared 2-core machine (load average 20-40), seeding included.
# BENCH_ARGS / PIPELINE_ARGS pass options, e.g. make bench BENCH_ARGS="--tiers 0,10000 --quick"
BENCH_ARGS ?=
PIPELINE_ARGS ?=
bench: install
	deploy/local/with-stack.sh sh -c 'uv run --frozen python bench/run.py $(BENCH_ARGS) && \
		uv run --frozen python bench/pipeline.py $(PIPELINE_ARGS) && uv run --frozen python bench/report.py'
