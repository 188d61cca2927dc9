# ruff: noqa: E501  (markdown table rows cannot be wrapped)
"""The fixed parts of docs/performance.md (bench/report.py adds the figures of the latest runs)."""

CHOICE = """
The local store stays FerretDB's SQLite backend, with the project's patch. Measured above: as released,
every `_id` operation reads the whole collection on both backends (SQLite queries `->'$._id'` beside an
index on `->"_id"`; PostgreSQL filters with `@>`, which its btree index cannot serve). A one-line fix
makes `_id` lookups indexed on either, but the listings then still decode every matching document in Go
on both, and the PostgreSQL backend would need the same sort and filter work as SQLite on top of a
second server (initdb and pg_ctl as a non-root user, one more process on 2 cores) and a network hop
per operation. The SQLite patch does that work in-process, needs nothing installed beyond Go, and keeps
the data directory format of the release (a data directory works with either build).

How the PostgreSQL candidates were run (not part of the scripts): PostgreSQL 15 from Debian
(`/usr/lib/postgresql/15/bin`), `initdb --no-locale -E UTF8 --auth=trust` as the `postgres` user,
`pg_ctl -o "-p 25432 -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"` (settings a
throwaway development store can afford, in PostgreSQL's favour), and FerretDB with
`--handler=postgresql --postgresql-url=postgres://postgres@127.0.0.1:25432/ferretdb`; the "_id equality
patch" replaces `@>` by `=` for `_id` in `internal/backends/postgresql/query.go`.
"""

SHAPES = """
## Which query shapes an index serves

The local store is FerretDB v1.24.2 on SQLite with the project's patch (`deploy/local/ferretdb/`);
production is MongoDB 7. On the local store, what SQLite does not filter is decoded and filtered in Go,
one document at a time (tens of microseconds each, more for large projections): that is what makes a
query slow as a collection grows, not SQLite itself.

| query shape | local store (patched FerretDB, SQLite) | MongoDB 7 |
|---|---|---|
| `find_one` / `replace_one` / `delete_one` on `{_id: x}` | `_id_` index (`SEARCH ... USING INDEX`) | `_id` index (IDHACK) |
| `{_id: {$in: [...]}}` (find, `delete_many`) | `_id_` index | `_id` index |
| `{_id: {$gt/$gte/$lt/$lte: s}}` (cursor pages) | `_id_` index while every `_id` of the collection is a plain string (see below); else filtered by SQLite | `_id` index |
| sort on `_id` alone (any filter, with a limit) | walks the `_id_` index and stops after `limit` matches (same condition); else sorted in memory | `_id` index, no SORT stage |
| equality and `$in` (strings) on a top-level field with an index declared on it (alone or first in a compound index) | that index: one lookup, plus one index range for documents whose field is an array (a field that is an array in every document, like `lawyers`, gains nothing); not used when the query walks the `_id_` index for an `_id` sort | the index (IXSCAN), multikey included |
| equality, `$in`, `$ne`, string ranges on a top-level field without an index; `$and`, `$or` of them | filtered by SQLite row by row (C, a few microseconds a row: linear in the collection); only matching rows reach Go | an index on the field (ESR: equality fields first, then the sort key, then ranges), else COLLSCAN |
| sort on one other top-level field (`referred_at`, `opened_on`, `starts_at`, `created_at`...) | sorted by SQLite after its filter (no index: every row the filter keeps is read by SQLite, C speed); only the rows returned are decoded in Go; values other than null, numbers and strings make it fall back to an in-memory sort | an index ending with the sort key, else an in-memory SORT |
| sort on several keys or a nested path | in memory: every document the filter keeps is decoded in Go, then sorted | a compound index in the same order |
| nested paths (`a.b`), `$exists`, `$regex`, `$elemMatch`, numbers, BSON dates, `$nin` | in Go, one document at a time | index if declared |
| `count_documents(filter)` | the filter as above, counted in Go | COUNT_SCAN with a matching index |
| ranges or sorts on a field with an index | not served by the index (JSON text does not sort as MongoDB sorts); filtered / sorted by SQLite as above | the index |

"A plain string" is an `_id` whose JSON text is the string between quotes (nothing escaped) with no
byte below `#`: UUIDs, `<aggregate id>:<version>` commit ids, `slot:<n>` and the services' ids are.
The first other `_id` in a collection (an ObjectId that PyMongo adds to a document without `_id`, an id
with a space, a quote, `<`, `>` or `&`) turns the `_id` order off for that collection for good, and its
`_id` sorts and ranges go back to memory: correct, but slow at size.

What this means for shaping queries (issue 12, item 4):
- keep hot paths on `_id` (lookups, `$in`, ranges, sorts); give documents plain string ids;
- a listing that must stay fast at 50k+ should sort by `_id` (or by a key folded into the `_id`) and
  filter with equality / `$in` / string ranges on top-level fields; on MongoDB, declare the compound index
  `{<equality fields>: 1, _id: 1}` so both stores serve the same shape;
- declaring `{<equality field>: 1, ...}` (created at start-up) serves that equality on both stores, and
  is what keeps a selective listing sorted on another field from reading every row on the local store;
- a listing sorted on another top-level field is sorted by SQLite on the local store (keep its values
  strings, numbers or null); the filter is still evaluated on every row, so it costs a few
  microseconds per stored document; on MongoDB it needs `{<equality fields>: 1, <sort field>: 1}`;
- sorts on several keys (the audit log's `at`, `_id`) are done in memory on the local store: one decode
  per document the filter keeps;
- the relay's `find({outbox: "pending"}).sort("committed_at").limit(n)` searches the kit's index
  `events.{outbox, committed_at}` on both stores: only pending commits are read, whatever the history's size.

### The listings, their indexes and their plans

Each service declares its indexes in `<service>/indexes.py`; the kit creates them at start-up.
`tests/test_listing_plans.py` records the `find` each listing's own code sends and explains it: on the
local store it checks that SQLite searches an index (passing here); on MongoDB it checks for an index
scan without a COLLSCAN or a blocking SORT, and skips on FerretDB, because no `mongod` can run on the
development machines (no Docker engine; MongoDB's binaries are not on a reachable registry). The
MongoDB plans below are therefore expected, not measured: run the test against the compose MongoDB
(`REDRESS_MONGO_URL=mongodb://...`) to check them.

| listing (code) | query | declared index | expected MongoDB 7 plan | local store |
|---|---|---|---|---|
| intake incidents (`IncidentQueries.page`) | `organisation` (+ `confidentiality $ne`), sort `_id`, limit 51 | `{organisation, _id}` | IXSCAN, FETCH with the `$ne` filter, no SORT | walks `_id_`, SQLite filters each row |
| ... by region | `+ region` | `{organisation, region, _id}` | IXSCAN on both equalities, no SORT | walks `_id_` |
| ... by verification status, dates | `+ verification_status`, `occurred_*` ranges | `{organisation, verification_status, _id}` | IXSCAN, ranges in FETCH, no SORT | walks `_id_` |
| ... by violation type | `+ violation_types $in [descendants]` (an array field) | `{organisation, violation_types, _id}` (multikey) | SORT_MERGE of one IXSCAN per type (a SORT if the list is long) | walks `_id_` |
| casework inbox (`Queries.referrals`) | `status: pending`, `receiving_organisation $in [org, null]`, sort `referred_at` | `{status, receiving_organisation, referred_at}` | SORT_MERGE of two IXSCANs | `status` index lookup, SQLite sorts |
| referrals decided | `status`, `organisation`, sort `referred_at` | `{organisation, status, referred_at}` | IXSCAN, no SORT | `organisation` index lookup |
| a victim's referrals / cases | `victim_id` / `victim_ids` (array) | `{victim_id}` / `{victim_ids}` (multikey) | IXSCAN | index lookup (the array one through its element range) |
| "my cases" (`Queries.cases`) | `$or [{lawyers}, {organisation}]` (+ `status`), sort `opened_on` desc | `{lawyers, opened_on: -1}`, `{organisation, opened_on: -1}` | OR / SORT_MERGE of the two IXSCANs | index lookups |
| hearings at a court / of cases | `court_code` or `case_id $in`, `starts_at` range, sort `starts_at` | `{court_code, starts_at}`, `{case_id, starts_at}` | IXSCAN (SORT_MERGE for `$in`) | index lookup |
| tasks, reparations, notes, feeds | `case_id` / `assignee` / `lawyer`, sort on a date | `{case_id, due_on}`... | IXSCAN, no SORT | index lookup |
| advocacy actions, recommendations, reports | optional equality, sort on a date desc | `{taken_on: -1}`, `{target_body, taken_on: -1}`... | IXSCAN, no SORT | lookup when filtered, else SQLite sorts the collection |
| education sessions | `held_on` range, `organisation` / `region` | `{organisation, held_on}`, `{region, held_on}`, `{held_on}` | IXSCAN | lookup when filtered |
| notify history, attention, queue | `victim_id` sort `scheduled_at`; `status`, `resent_as` sort `updated_at`; `due_at <=` | `{victim_id, scheduled_at}`, `{status, resent_as, updated_at}`, `{due_at}` | IXSCAN, no SORT | lookup (`due_at` is a BSON date: filtered in Go) |
| the relay | `outbox: pending`, sort `committed_at` | `events.{outbox, committed_at}` (the kit's) | IXSCAN, no SORT | index lookup, SQLite sorts the pending ones |
"""

NOTES = """
## What limits the targets that do not hold

- **Kit and HTTP command against bare operations.** With the `_id` paths indexed, a command costs the
  same at 50k as on an empty store, but it is still about five store round trips plus the relay's
  share (outbox read, commit check, delete): about 12 ms of CPU against 1.4 ms for a bare insert. Fewer
  round trips per command and per relayed batch (issue 12, item 3) is what moves these ratios.
- **Intake listing.** Rows come in `_id` order from the index and SQLite evaluates the filter on each
  (about 18 microseconds of JSON per ~2 KB incident); a page stops after 51 matches. Cheap when the
  filter matches many incidents, costly when it matches few: a filter matching under a page of the
  50k incidents reads them all (about 0.9 s of CPU). The fix is an index lookup for selective
  filters (SQLite would need statistics to choose it over the `_id` walk) or listing shapes whose
  selective part is an indexed equality.
- **Casework lists.** Sorted on dates, so every row is filtered by SQLite; the indexes item 4 would
  declare halve the cost (status, organisation); `lawyers` is an array in every case, which the local
  store cannot index (MongoDB's multikey index can).
- **Advocacy.** The rebuild inserts one fact per replayed event (about 1.3 ms of CPU each), so it
  stays under 1,000 events/s; inserting each fetched batch at once would lift it. The indicators read
  and fold every fact on each request (seconds of CPU at 50k): they need running aggregates.
- **Pipeline.** Every hop is sub-second except the referral reaching casework's inbox. Casework's
  intake consumer group also receives each registration's `victim.consent_changed`, and handles it by
  listing the victim's cases and referrals by `victim_ids` / `victim_id`: two full scans of 40-50k
  documents per registration, ahead of the referral in the same partition order. An index on
  `referrals.victim_id` serves one; `cases.victim_ids` (an array) needs a lookup by `_id` instead (a
  victim -> cases document), or the handler can skip the lists when no flag changes.

## Reading the figures

- Ratios compare throughput with the matching raw baseline measured in the same run on the same
  machine, because these machines are shared and noisy: 1.0 would be as fast as the raw stack.
- CPU per operation is read from `/proc` for the store process and for the bench process (which runs
  the kit, its relay and consumer): unlike wall time, it does not grow with the machine's load, so
  the targets on growth and ratios are judged on it when the run measured it.
- Every measurement is bounded in count and in seconds; `n` says how many operations were done. On a
  store that scans, operations at 50k take seconds each, so those rows have few samples.
- A kit command is several store round trips (read the projection, insert the outbox entry, insert
  the commit, replace the projection, probe for a newer commit) plus the relay's: with the `_id` paths
  indexed none of them grows with the collections, which the CPU table shows. Fewer round trips per
  command (issue 12, item 3) is what moves the ratio against a bare insert.
- The relay drain is one relay publishing a backlog of 2,000 committed events: per pass it reads the
  outbox sorted by `created_at` (by SQLite on the patched store), checks each commit by `_id`, publishes,
  and deletes by `_id`.
- The listings call the services' own query code (`IncidentQueries.page`, casework's `Queries`,
  advocacy's `figures.snapshot`) on projections built by their domain code; the advocacy rebuild replays
  intake's `incident.documented` events from the broker with advocacy's own handlers.
- No test asserts a time; the proof that the `_id` paths use the index is the store's query plan
  (`libs/servicekit/tests/integration/test_store_indexes.py`).

## Method

With the local stack up (`make infra-up`, `eval "$(deploy/local/env.sh)"`):

```sh
uv run python bench/run.py                  # tiers 0, 10k, 50k (about an hour at load average 20-40)
uv run python bench/pipeline.py             # five services, 50k seeded, flows at 1, 2, 5, 10 per second
uv run python bench/store_ops.py --label "..."   # one candidate store's _id operations and listing
uv run python bench/report.py               # this page
```

or `make bench` for the first two and the report, around a stack it starts and stops. Raw results are
in `bench/results/`: `latest.json`, `pipeline-latest.json`, `store-ops-*.json`, and `store-before.json`
(the run on FerretDB as released, `FERRETDB_PATCH= deploy/local/install.sh`).
"""
