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
| sort on `_id`, with equality or `$in` (strings) on the leading keys of an index ending in `_id` (`{organisation, region, _id}`), a cursor range on `_id` | searches that index (the longest such prefix): only the rows with those values are read, in `_id` order, the cursor as an index range; used only while those fields hold no array in the collection (else a shorter prefix, or `_id_`); an `$in` of several values sorts what it reads | that index, no SORT stage |
| sort on one other field then `_id`, in one direction (the kit's keyset pages), with equality or `$in` (strings) on the leading keys of an index ending with that field and `_id` (casework's `{organisation, status, referred_at, _id}`) | walks that index in the page's order (the longest such prefix), the cursor's (value, id) as an index range: only the page's rows are read; used only while the field is missing or a plain string in every document of the collection and the fixed fields hold no array (else SQLite sorts, next rows) | that index, no SORT stage |
| equality and `$in` (strings) on a top-level field with an index declared on it (alone or first in a compound index) | that index: one lookup, plus one index range for documents whose field is an array; a field that holds only lists (like `lawyers`) is one range of the index, the arrays, but each of their rows is still read (SQLite cannot look up an array's elements; a keyset page is walked in the elements table, next row); for an `_id` or keyset sort, only through an index ending in `_id` (rows above) | the index (IXSCAN), multikey included |
| a keyset page (sort on a field then `_id`) whose filter fixes a list field to one string, with an index `{list, field, _id}` (a lawyer's cases: `{lawyers, opened_on: -1, _id: -1}`) | walks that index's elements table (one row per element of each document's list, written by SQLite triggers in the document's own statement) from the cursor, and reads each document by `_id`: only the page's rows; used while the list field holds only lists, the sort field only plain strings and the `_id` order holds (else the rows above) | the multikey index, no SORT stage |
| equality, `$in`, `$ne`, string ranges on a top-level field without an index; `$and`, `$or` of them | filtered by SQLite row by row (C, a few microseconds a row: linear in the collection); only matching rows reach Go | an index on the field (ESR: equality fields first, then the sort key, then ranges), else COLLSCAN |
| sort on one other top-level field (`referred_at`, `opened_on`, `starts_at`, `created_at`...), or on it then `_id` | sorted by SQLite after its filter (every row the filter keeps is read by SQLite, C speed; `_id` breaks ties while its order holds); only the rows returned are decoded in Go; values other than null, numbers and strings make it fall back to an in-memory sort | an index ending with the sort key (then `_id`), else an in-memory SORT |
| sort on other sets of keys or a nested path | in memory: every document the filter keeps is decoded in Go, then sorted | a compound index in the same order |
| nested paths (`a.b`), `$exists`, `$regex`, `$elemMatch`, numbers, BSON dates, `$nin` | in Go, one document at a time | index if declared |
| `count_documents(filter)` | the filter as above, counted in Go | COUNT_SCAN with a matching index |
| ranges or sorts on a field with an index | not served by the index (JSON text does not sort as MongoDB sorts in general), except a keyset page's sort key holding only plain strings (row above); filtered / sorted by SQLite as above | the index |

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
- a keyset page sorted on a date (the kit's `Listing(field)`: the field then `_id`) is served from
  `{<equality fields>: 1, <field>: 1, _id: 1}` on both stores (all `-1` for a newest-first list): keep the
  field an ISO string (never null; a missing one sorts first) and the equality fields plain values; the
  local store then reads only the page's rows, in order;
- a listing sorted on another top-level field with no such index is sorted by SQLite on the local store
  (keep its values strings, numbers or null); the filter is still evaluated on every row, so it costs a few
  microseconds per stored document; on MongoDB it needs `{<equality fields>: 1, <sort field>: 1}`;
- an equality on a list field (a case's `lawyers`) reads every row holding a list on the local store
  (SQLite has no multikey index), except in a keyset page served by an index `{list, field, _id}`: the
  store walks that index's elements table, a page reads its own rows (12-15 ms of store CPU per page
  at 50k cases, was 210-240); MongoDB's multikey index serves both;
- sorts on other sets of keys are done in memory on the local store: one decode per document the filter
  keeps;
- the relay's `find({outbox: "pending"}).sort("committed_at").limit(n)` searches the kit's index
  `events.{outbox, committed_at}` on both stores: only pending commits are read, whatever the history's size.

### The listings, their indexes and their plans

Each service declares its indexes in `<service>/indexes.py`; the kit creates them at start-up.
`tests/test_listing_plans.py` records the `find` each listing's own code sends and explains it: on the
local store it checks that SQLite searches an index (passing here), for intake's pages the compound
index ending in `_id` that the page's filter fixes, with no sort after it, for casework's decided referrals
and a case manager's cases the compound index ending with the date and `_id`, walked in order, and for a
lawyer's cases the elements table of the list index, walked in order; on MongoDB it checks for an index
scan without a COLLSCAN or a blocking SORT, and skips on FerretDB, because no `mongod` can run on the
development machines (no Docker engine; MongoDB's binaries are not on a reachable registry). The
MongoDB plans below are therefore expected, not measured: run the test against the compose MongoDB
(`REDRESS_MONGO_URL=mongodb://...`) to check them.

| listing (code) | query | declared index | expected MongoDB 7 plan | local store |
|---|---|---|---|---|
| intake incidents (`IncidentQueries.page`) | `organisation` (+ `confidentiality $ne`), sort `_id`, limit 51 | `{organisation, _id}` | IXSCAN, FETCH with the `$ne` filter, no SORT | searches `{organisation, _id}` in `_id` order, SQLite tests the `$ne` on those rows |
| ... by region | `+ region` | `{organisation, region, _id}` | IXSCAN on both equalities, no SORT | searches `{organisation, region, _id}` |
| ... by verification status, dates | `+ verification_status`, `occurred_*` ranges | `{organisation, verification_status, _id}` | IXSCAN, ranges in FETCH, no SORT | searches `{organisation, verification_status, _id}`, SQLite tests the ranges |
| ... by violation type | `+ violation_types $in [descendants]` (an array field) | `{organisation, violation_types, _id}` (multikey) | SORT_MERGE of one IXSCAN per type (a SORT if the list is long) | searches `{organisation, _id}` (the array field is tested per row) |
| casework inbox (`Queries.referrals`) | `status: pending`, `receiving_organisation $in [org, null]`, sort `referred_at`, `_id` | `{status, receiving_organisation, referred_at, _id}` | SORT_MERGE of two IXSCANs | `status` index lookup, SQLite sorts the pending referrals (the `null` in `$in` is not a fixed key) |
| referrals decided | `status`, `organisation`, sort `referred_at`, `_id` | `{organisation, status, referred_at, _id}` | IXSCAN, no SORT | walks `{organisation, status, referred_at, _id}` in order |
| a victim's referrals / cases | `victim_id` / `victim_ids` (array) | `{victim_id}` / `{victim_ids}` (multikey) | IXSCAN | index lookup (the array one through its element range) |
| "my cases" (`Queries.cases`) | `lawyers` or `organisation`, or `$or` of both (+ `status`), sort `opened_on`, `_id` desc | `{lawyers, opened_on: -1, _id: -1}`, `{organisation, opened_on: -1, _id: -1}` | IXSCAN (OR of the two for both roles), no SORT | a case manager's: walks `{organisation, opened_on: -1, _id: -1}` in order; a lawyer's: walks the elements table of `{lawyers, opened_on: -1, _id: -1}` in order, each case read by `_id` |
| hearings at a court / of cases | `court_code` or `case_id $in`, `starts_at` range, sort `starts_at` | `{court_code, starts_at}`, `{case_id, starts_at}` | IXSCAN (SORT_MERGE for `$in`) | index lookup |
| the cases behind a calendar or a lawyer's tasks (`Queries.visible_case_ids`) | as "my cases" (+ `lawyers` of the lawyer asked about), sort `opened_on`, `_id` desc, limit 500, ids only | the two above | IXSCAN, no SORT | walks a lawyer's elements (also when a case manager asks for one lawyer: the element is preferred to the organisation), or an organisation's index, in order |
| tasks, reparations, notes, feeds | `case_id` / `assignee` / `lawyer`, sort on a date | `{case_id, due_on}`... | IXSCAN, no SORT | index lookup |
| advocacy actions, recommendations, reports (`advocacy.queries`, pages) | optional equality, sort on a date desc then `_id` | `{taken_on: -1, _id: -1}`, `{target_body, taken_on: -1, _id: -1}`... | IXSCAN, no SORT | lookup when filtered, else SQLite sorts the collection |
| education sessions (`session_page`), campaigns | `held_on` range, `organisation` / `region`, sort `held_on` desc then `_id`; campaigns sort `period_start` desc then `_id` | `{organisation, held_on, _id}`, `{region, held_on, _id}`, `{held_on, _id}`, `{period_start: -1, _id: -1}` | IXSCAN, no SORT | lookup when filtered, else SQLite sorts the collection |
| notify history, attention (pages), queue | `victim_id` sort `scheduled_at`, `_id`; `status`, `resent_as` sort `updated_at`, `_id`; `due_at <=` | `{victim_id, scheduled_at, _id}`, `{status, resent_as, updated_at, _id}`, `{due_at}` | IXSCAN, no SORT | lookup (`due_at` is a BSON date: filtered in Go) |
| advocacy indicators, marks added since (`readmodel.marks_since`) | `_id` range per partition read (`$gt` last offset read, `$lt` next partition), sort `_id`; then facts by `_id $in` | the `_id` index (no declaration) | IXSCAN on `_id`, no SORT | `_id_` index search (SEARCH ... USING INDEX) |
| advocacy indicators, each partition's last mark (`readmodel.high_waters`, the cold read) | `_id $gt` the previous partition's end (`$gte ""` for the first), sort `_id`, limit 1; then `_id $lt` this partition's end, sort `_id` desc, limit 1 | the `_id` index (no declaration) | IXSCAN on `_id`, no SORT | `_id_` index search, stops at the first row (`services/advocacy/tests/integration/test_read_model_plans.py`) |
| the relay | `outbox: pending`, sort `committed_at` | `events.{outbox, committed_at}` (the kit's) | IXSCAN, no SORT | index lookup, SQLite sorts the pending ones |
"""

INDICATORS = """
The growth table above measured each indicators request before the read model (its run predates it:
27.4 s at 50k). The first row here is that path, every record read and folded, with today's figure code
and in the same run as the others. Now the process that answers keeps the live generation's facts folded in memory
(`services/advocacy/src/advocacy/projections/readmodel.py`):

- **Reading a generation whole (cold).** The read model learns where each partition has been read up to
  from its last mark alone (`high_waters`: the first mark past the previous partition, then the last one
  before the next, two `_id` queries with a limit that the `_id` index serves; a few milliseconds at 50k
  where reading every mark's `_id` took seconds of the store's CPU), then reads every fact and folds it per
  subject, in chunks between which the event loop answers other requests. Why no mark can be missed in
  that order is argued in the module's docstring. What remains is reading the facts, about 120 µs of the
  store's CPU per fact on the local store (FerretDB decoding each document): once per process and
  generation.
- **Read before anyone asks.** The API process does that read in the background when it starts, and again
  when it sees a rebuild's swap (it reads the `live` pointer every `ADVOCACY_READ_MODEL_FOLLOW_SECONDS`,
  5 s by default, one `_id` lookup), through the kit's API tasks (`ServiceSpec.api_tasks`, started and
  cancelled by the app's lifespan, retried with backoff when they fail). It then answers the dashboard's
  first question (every section, any period, verified or not) and remembers it. `/readyz` and every other
  route answer meanwhile; a question that comes during that read waits for it (the read model's lock) and
  never starts a second one. So the first analyst after a deployment or a rebuild gets a remembered answer,
  unless she comes within the read's time of the start (she then waits for the rest of it) or asks
  another question (the figures are computed from the folded facts: the "another question" row).
- **Pauses while it reads.** The read gives the event loop a turn after every 2,000 facts read or
  subjects folded (about 30 ms of CPU each at most). The longer steps in the ticker's figures are Python's
  cyclic garbage collector walking a heap that grows by every fact held: three full collections during
  the read at 50k, up to about 0.3 s each; with the collector off, the longest step measured 67 ms
  (`gc.disable()` around the same read, by hand). Holding fewer Python objects per fact, or
  `gc.freeze()` once the read is done (later full collections would skip the folded facts), would cut
  them; neither is done, the second being a process-wide setting.
- **Later questions.** One read of the live pointer (a rebuild's swap is seen there), then one `_id`
  range read per partition already seen (plus one for partitions not seen yet), all sent together: the
  marks added since. With nothing new, an answer given to the same question (period, verified only,
  sections, k) on the same facts is returned as it was; the work does not depend on the history's size.
- **After new facts.** Their marks point to their facts, read by `_id`; only their subjects are folded
  again. The figures of the question are then computed again from the folded facts in memory: no store
  read grows with the history any more, but `published.publish` still walks every incident of the
  question (one pass of counts per incident, then disclosure control), which is what the "after 5 new
  facts" and "another question" rows measure: linear in the incidents, well under a second of CPU at
  50k. Those counts used to walk a row per incident, violation type and perpetrator category (about
  230k rows at 50k) and the education section computed the incident tables a second time: 1.95 s of
  CPU for the figures alone at 50k, 0.15 s now, the same figures (`domain/rows.incident_counts`). The
  next step would be running counts per question updated by the changed subjects (every incident
  figure is a distinct count per key, so an incident's part can be taken out and put back).
- **Small stores.** On a handful of incidents the figures cost more than their size suggests (the "after
  5 new facts" row at 0): nearly every cell is below k there, and the disclosure control's search for
  complementary cells (`domain/suppression.py`) is what costs, not the data.
- **Which marks cannot be missed.** A partition is consumed by one kit consumer at a time, record after
  record; a fact and then its mark are written (or refused as already written, which means visible)
  before the next record and before the offset is committed, and a new owner starts from the committed
  offset. So once a mark at offset o is visible, every mark below o of that partition is visible too,
  and a reader that walked the marks in `_id` order up to o has read them all. A rebuild's bulk writes
  keep no such order: the pointer says `settling` until its replay after the swap is done, and until
  then every question folds every record, as before.

Warm questions vary between rows with the machine's load and with the store's CPU counter, which moves
in 10 ms ticks (a few ticks over 30 questions); the first question of a generation costs more than the
full fold on the store's side because it also reads every mark's `_id`. The target row below counts both
"again, nothing new" rows.
"""

PROFILE = """
Each round trip of a command measured alone on the bench's aggregate, with the store's CPU read from
`/proc` around a bounded run, then whole commands: without a relay, and with a relay woken by each
commit (as a worker's relay is by its consumers' effects). What the profile shows:

- **The kit's paths do not grow with the data.** At 50k aggregates (200k commits) a whole command costs
  what it costs on an empty store: the `_id` paths use the index (the store patch). Single round trips
  measured up to 40 % more at 50k in the run above, whose load average rose from 29 to 42 between the
  two columns; in two earlier runs at load 10-17 they were flat (a commit insert 0.62 + 0.40 ms empty,
  0.53 + 0.33 at 50k). The figures move with the machine's load: compare the rows of one column. The growth the earlier quick runs reported (1.25x,
  1.33x) was within the resolution of their measurement: 60 operations and the store's CPU read in
  10 ms ticks, 0.17 ms per operation a tick; the bench now does 300 and counts the kit command's CPU from
  its first command until the relay has published the last (the topic's creation and the reader that
  checks the records were in it before, as the consumer's input and group join were in the consumer's).
- **The store's side.** A read by `_id` costs FerretDB about 0.3-0.4 ms of CPU, an insert 0.45-0.6 ms,
  and an update of a commit 1.2 ms, twice an insert: FerretDB reads the whole document, changes it in
  Go and writes it back, re-indexing it. The relay's unmarking is such an update, once per commit.
  A CPU profile of FerretDB (`/debug/pprof` on its debug port) unmarking batches of 500 commits put
  half of that in one SQLite transaction per document, whose commit syncs the WAL (`fsync`): the
  patch now writes the documents of one update together, 100 to a transaction (store README, item 6).
  The same unmarking went from about 1,400 to 3,500-4,700 documents a second, 0.7 -> 0.22 ms of store
  CPU each; the relay drain of a backlog from 1.07-1.09 to 0.70-0.73 ms per event (the second round's
  table). One commit alone still costs its own transaction.
- **The relay cost more than the command.** A relay pass that published a commit went again at once
  and read nothing, so with commits coming one at a time there were up to two passes per commit (two
  reads of the pending commits, one unmarking, one produce request). A pass now goes again at once only
  after a full batch; after a smaller one the relay waits for the next commit of its process or for the
  poll (`RELAY_POLL_INTERVAL_SECONDS`, 0.05 s), so commits of other processes are read in batches.
  Measured back to back with `kit_profile.py` (500 commands each, empty store, load average 25): a
  command alone 3.2 ms of CPU (store + process) before and after; with a relay woken by each commit
  10.4 -> 9.0 ms per command; with a relay that polls 7.1 -> 5.8 ms. The cost: a commit of another
  process (an API's, relayed by the worker) may wait up to the poll interval more before it is
  published (the "until published" p50 of the bench, whose relay polls, went from about 25-31 ms to
  54-57 ms on this machine).
- **The projection write of a new aggregate** is a plain insert: the writer that committed version 1
  knows only a later version's projection can be stored, so the insert meets the same duplicate as the
  guarded upsert did, and an insert is the cheaper of the two on both stores (same round trip count).
- **The Python side.** Under cProfile on the CPU clock (500 commands), the kit's own logic is about 6 %
  of the process's CPU: the commit document with its canonical JSON and SHA-256 about 3 %, folding and
  pydantic 2 %, ids, traceparent and the cache 1 %. The rest is PyMongo and asyncio, 0.25-0.35 ms per
  round trip whatever is sent. Encoding the canonical JSON once or not re-validating a state the kit
  has just folded would save tens of microseconds of a 3 ms command, so neither was done: what a command
  costs is its round trips, and the relay's.
"""

KIT_BEFORE_AFTER_3 = """
Before: main at the start of this round (`b185c6c`; its quiet run of 11:00, load average 1.5). After:
this page's run. What changed:

- **One server span per HTTP request, the kit's own** (`server_spans.py`). OpenTelemetry's FastAPI
  instrumentation decoded every header to collect attributes and walked the app's routes again to name
  each span; taking it out of the bench's HTTP command saved 0.2 ms of its 1.4 ms of process CPU
  (1.39 and 1.40 ms with it, 1.19 without, back to back; 1.17 with the kit's span). The kit's middleware reads the route
  the router already put in the scope, continues the caller's `traceparent` and records the method,
  the route template, the status and a failure's exception type: no raw path (it carries ids), query or
  exception message, which the old spans carried. FastAPI 0.165's own telemetry, which switches itself
  on once that instrumentation is gone, is turned off for the same reasons (`app.NO_FASTAPI_TELEMETRY`;
  `libs/servicekit/tests/unit/test_server_spans.py`, `tests/test_otlp_traces.py`).
- **The relay's unmarking is done inside the local store** (patch item 9 in
  `deploy/local/ferretdb/README.md`). FerretDB's own CPU profile, taken while commands ran with a
  polling relay, showed the unmarking decoding every published commit from JSON in Go only to drop
  one field and write the whole document back: a sixth of the store's CPU per command. SQLite now
  removes the field itself: 0.30 -> 0.11 ms of store CPU per commit in batches of 20 (the two builds
  side by side), and the relay drain above 0.54 -> 0.40-0.44 ms of CPU per event. A first version
  counted the matched rows before its `UPDATE` and failed under concurrent commits (SQLite does not
  upgrade a read transaction once another client has written); `test_store_unset.py` has the
  concurrent test that caught it.
- **Where a command's CPU goes now** (the profile above, load 3.3): a command alone 1.02 ms (0.58 of a
  bare insert), with a polling relay 1.40 (0.42), with a relay woken by each commit 2.04; the relay's
  share per command fell from 0.50 to 0.38 ms.
"""

KIT_BEFORE_AFTER_2 = """
Before: main at the start of the round (commit `ef7336f`), quiet machine (load average 3-9). After:
this page's run. What changed:

- **A command that creates its aggregate reads nothing first** (`creates=True`: an id minted for the
  command, from `new_id()`, its Idempotency-Key or a consumed event that brings it): two round trips
  instead of three. A taken id collides on the commit of version 1 and the retry reads the history, so
  a replay is answered from its key and a second create is refused by the rules, as before
  (`test_eventstore.py`, `test_round_trips.py`). The bench's commands and its consumer's effects are
  such creates, as are the services' create commands (registration, incidents, evidence, sessions,
  campaigns, actions, recommendations, reports, hearings, reparations, tasks, a referral's receipt).
- **The relay's unmarking** is the store patch's batched update (above).
- **The HTTP layers.** Profiled with cProfile on the CPU clock (400 POSTs): three PyJWT decodes per
  request (header, unverified claims, then the verified ones, each testing every base64 character in a
  Python generator) were a fifth of the app's CPU. A token that passed every check is now remembered by
  its exact text until it expires or its key is withdrawn or read again (`auth.py`,
  `verified_tokens.py`). The tracing middleware opened two spans more per request (around the body
  received and each chunk sent): one server span now. Taking out, one at a time, the overload guard,
  the input guard with the metrics and `no-store` middlewares, or the tracing left the HTTP command's
  process CPU within the run-to-run spread (about 0.05 ms each); what is left is FastAPI's own request
  handling and the command's two round trips (PyMongo costs 0.25-0.35 ms of Python per round trip).
"""

PIPELINE_COSTS = """
Before: main at `3cf9634` (the previous round's merged code, its run of 15:33); after: this round's
store (no savepoints in a `bulkWrite`, prepared statements kept), at load 2.2-5.4 with nothing else
running (`bench/pipeline.py --rates 1,2,5,6,10,20 --count-trips`, 50k seeded). CPU per flow includes each
process's per-second costs (polls, fetches, leases) spread over the flows completed in the stage, so it
falls as the rate rises, and it moves with the run. The store's CPU per flow: 118 -> 93 ms at 1 flow/s,
110 -> 84 at 2, 97 -> 73 at 5, 74 -> 66 at 6; at 10 and 20 flows/s, where the processes queue for the two
cores, 71 and 75 before, 77 and 73 now. The round trips did not change (the code did not): 124.4, 115.9
and 105.8 per flow at 1, 2 and 5 flows/s. A run with the first store change only (`pipeline-20261205T220006Z.json`)
gave 103, 91 and 77 ms.

The round before it (`74853ae` -> `3cf9634`: a commit and its projection in one request, an audit entry
and its head in one request), at load 2.4-5.5. Store round trips
per flow over all processes: 146.5 -> 124.9 at 1 flow/s, 124.5 -> 106.2 at 5, 116.6 -> 95.6 at 10
(the table's run; the run before it, the same code: 125.9, 104.8, 95.4); notify's worker, the busiest
process, 61.5 -> 50.4, 54.2 -> 45.5 and 51.4 -> 39.6; intake's API 16.4 -> 11.4 at 5, casework's API
15.1 -> 11.1. The store's CPU per flow cannot be told apart from before: 118 and 108 ms at 1 flow/s
(129 before), 97 and 80 at 5 (98), 71 and 70 at 10 (82), in the two runs. The run between the two
changes (the commit's only, load 2.1-4.8) gave 131.9, 112.2 and 100.5 round trips per flow at 1, 5 and
10 flows/s.

The round before that (`b185c6c` -> `42f9ca5`: notify's worker, the lawyer's elements table, the relays'
unmarking done inside the store, one server span per request) took the store round trips per flow
from 155.0 to 146.5 at 1 flow/s, 136.6 to 124.5 at 5 and 128.1 to 116.6 at 10, notify's worker from
71.2 to 61.5, 66.6 to 54.2 and 62.1 to 51.4; its CPU per flow could not be told apart from before (two
runs of the same code a few minutes apart gave 475 and 535 ms at 1 flow/s, 443 before; 259 and 334 at
5, 253 before). Notify's branch had measured its own change at load 4.0-6.2 with other engineers'
suites running (`pipeline-20261205T123654Z.json`, `pipeline-20261205T124744Z.json`): the same round
trips, and its worker's CPU per flow within the spread.

The previous session's round took the same bench from 533 to 443 ms of CPU and from 190.7 to 155.0
round trips per flow at 1 flow/s (332 -> 253 ms and 156.9 -> 136.6 at 5), with `creates=True` for the
services' create commands, the store writing an update's documents together, and these kit changes:

- **Webhook subscriptions** (`webhooks/dispatch.py`): each worker keeps them for a second instead of
  reading them for every consumed event: 16.5-25.4 reads per flow over the five workers -> 1.1-2.5 (the
  one read a second per worker, shared by the flows of that second). No event after a creation's answer
  is missed: the API answers a creation 1.25 s after storing it, longer than the bound
  (`libs/servicekit/tests/integration/test_webhooks.py`, a subscription made through another API
  process gets the next event; `test_webhook_dispatch_reads.py` counts no read while fresh).
- **Webhook sender**: an idle pass reads the queue only (it read the subscriptions too) and backs off
  to 2 s, woken at once by what its own process queues (it read twice every 0.5 s per worker).
- **Audit** (`audit.py`): one write per audited action does not hold the chain's guarantee (a record
  returns once the head covers its entry, else deleting the newest entries goes unseen until a later
  write, indefinitely after a process stops), so the head stays; records arriving while a process writes
  now share one head update (a group commit): intake's API 3.0 -> 1.5-1.7 head writes per flow at 5 and
  10 flows/s, 6.0 -> 4.2-4.5 over all processes; at 1 flow/s nothing waits and nothing changes.
- **Key release**: `/internal/...` calls have their own lane in the overload guard (4 slots, 64 places),
  so intake's key release is not shed with people's requests, and notify asks again after a shed
  release's `Retry-After` (1 s to 1 min) instead of a minute later; the key is fetched before the claim,
  so asking again never doubles an SMS (`test_exactly_once.py`). In that round's run intake shed
  registrations and referrals, and no key release.
"""

NOTIFY_TRIPS = """
#### Notify's worker, by command and collection

A flow makes notify's worker plan four deliveries (the acceptance's SMS, the hearing's notice and its two
reminders) and send two. The table compares the previous round's run with this one: its 8 commits and
their projections are 8 `bulkWrite`s where they were 16 requests, and its 2 audit entries and their heads
2 where they were 4. The previous round, notify's own, had taken its worker from 62-67 to 50-54 round
trips per flow at 5-20 flows/s; what it removed, each kept guarantee tested:

- **A delivery is created without reading it first** (`creates=True`; `find deliveries` 4 -> 0): its id
  is derived from the causing event, so it is new unless that event was handled before; a replay's
  commit of version 1 collides, the retry reads the history and records nothing. Tested in
  `services/notify/tests/integration/test_planning_round_trips.py`: planned again by an instance that
  never saw it (one commit), and replayed by another instance after the send (one SMS, no new event).
- **A hearing or a victim new to notify is one insert** (`find hearings` 2 -> 1, two `find recipients`
  fewer): a duplicate `_id` falls back to the read-and-decide path (redelivery, older event, erased
  victim). A consent change is one conditional update while the victim is registered, not erased, never
  replied STOP and holds no newer consent; otherwise it reads and decides as before. A hearing notify had
  no copy of has nothing queued about it, so its outdated messages are not looked up (`find
  delivery_queue` 1 -> 0); the crash between recording a hearing and planning is still planned on
  redelivery (`test_crash_safety.py`).
- **The claim no longer puts its queue entry off** (`update delivery_queue` 2 -> 0). The claim's version
  guard is what makes a send unique; this process skips its own sends in flight, and a poll that meets the
  entry in another instance (or after a crash) reads `dispatching` and puts it off until the claim is stale
  (`test_exactly_once.py`). One SMS: 15 -> 14 round trips (`test_dispatch_round_trips.py`).
- A cancellation decides on the delivery it has just read with its history probed: 6 -> 5 round trips per
  cancelled message (not in this flow; a rescheduled hearing in `test_planning_round_trips.py`).

What is left per flow: 8 commits with their projections (4 planned, 2 claims, 2 sent), a request each,
and the relay's reads and unmarking of them (about 9-12, the kit's); 4 queue inserts and 2 deletes; 6
recipient reads (one to plan each message, and two per send: the check before the claim and the contact
after it, which keep a withdrawal or an erasure from being raced); 2 audit requests for the two
decryptions (entry and head together, the kit's); per send the report's key and the provider's health
counters; the STOP index on a first SMS.

"""

KIT_BEFORE_AFTER = """
The bare rows did not change between the two runs, yet moved by up to 2.4x (0.62 -> 1.42 ms at 50k):
that is the spread between runs on this machine, so the ratios are read within one run (Targets). The
consumer and HTTP command rows fell by a fifth to a half, more than the changes explain (neither runs a
relay, and the back-to-back profile shows a command alone unchanged): most of it is the same spread.
The kit command's row, whose relay polls, did not move: the bench's
commands took 11-19 ms each at load average 20, so a poll of the relay found two or three commits, and
what is left per commit is its unmarking (an update of the whole commit on FerretDB) and the produce.
The back-to-back profile above measures the relay's change under equal conditions.
"""

KIT_BEFORE_AFTER_5 = """
Before: main at the start of this round (`3cf9634`; its page's run of 16:07, load 0.9). After: this
page's run. The table crosses two sessions on two machines, and this one's Python spends more CPU on the
same unchanged code (the client side of a bare insert: 0.20-0.22 ms in the previous session's profile,
0.27-0.29 in this one's), so its differences mix the machines; the ratios of each run and the
side-by-side figures below are the comparison. Only the local store changed (the kit's code apart from
a cheaper copy of a token's claims), and the HTTP bench now alternates its two sides:

- **A `bulkWrite`'s shared transaction takes no savepoints** (store patch, item 10). A savepoint made
  SQLite copy every page a write changed into a statement journal held in a fresh 64 KiB allocation,
  mapped and unmapped every time (the driver's allocator): in the store's profile of HTTP commands,
  the savepoints' statements and journal were a fifth of its CPU. The writes now run without them;
  the first needs none (rolling the transaction back undoes exactly it), and when a later one fails,
  nothing has been committed, so the transaction is dropped and the writes run again in a new one with a
  savepoint each, which gives the outcome they had before (`test_store_bulk_write.py` counts those runs).
  Store CPU per HTTP command, the two builds side by side (eight rounds of 500 in turn): 0.89 -> 0.67 ms.
- **The SQLite driver keeps each connection's prepared statements** (item 12, a patch to
  `modernc.org/sqlite` that `install.sh` applies): it parsed and planned the same few texts on every
  call, 5 % of the store's CPU for a commit and its projection and 20 % for an indexed find. Side by
  side: the HTTP command 0.65 -> 0.58 ms of store CPU, a commit's insert 0.40 -> 0.33, an `_id` update
  0.87 -> 0.77, the relay's read of one pending commit 0.63 -> 0.53 and its unmarking 0.47 -> 0.33. The
  kit's and the services' suites pass on it; `test_store_statements.py` covers what keeping a statement
  could break (a table dropped and made again, an index made after a query, two cursors of one query, a
  refused write and the next).
- **The HTTP rows of `bench/run.py` alternate** (`bench/http_rounds.py`): the bare endpoint and the
  command in four rounds each, in turn, summed; measured minutes apart, they gave the HTTP ratio at 50k
  anywhere between 0.44 and 0.73 over five runs of one code. `bench/ab_http.py` keeps each round.
- **Figures.** The HTTP command against the bare endpoint, `bench/ab_http.py` (six rounds of 400 each,
  load below 1.6): medians of 0.65, 0.58 and 0.65 on CPU at 50k in three runs (rounds 0.55-0.71; 0.51
  and 0.44-0.63 before), 0.62-0.65 empty. `bench/run.py`'s alternating rows: 0.63 and 0.60 at 50k, 0.58
  and 0.60 empty (two runs; measured the old way, minutes apart, four runs of this round gave 0.47-0.64
  at 50k). The commit and its projection's `bulkWrite`: 0.71 and 0.67 ms of store CPU (empty, 50k) ->
  0.55 and 0.53 (`bench/kit_profile.py`). The pipeline's store CPU per flow: 118 -> 93 ms at 1 flow/s,
  110 -> 84 at 2, 97 -> 73 at 5, the same round trips (124.4, 115.9, 105.8); at 10 and 20 flows/s, where
  every process competes for the two cores, 71-75 before and 73-77 now, and the flows sustained did not
  move (8.3 and 9.4 per second; 8.9 and 9.3 before).
"""

KIT_BEFORE_AFTER_4 = """
Before: main at the start of this round (`74853ae`; its quiet run of 13:02, load average 1.6-3.4).
After: this page's run. What changed:

- **A commit and its projection travel as one `bulkWrite`** (`libs/servicekit/src/servicekit/bulk_writes.py`;
  the store patch, item 10). MongoDB 8.0's command takes writes to several collections in one request
  and runs them in order, so the projection's write is not attempted when the commit collides, and
  each write keeps the guarantee it has alone: a store stopping between the two leaves the projection
  behind, which the next command repairs, as when a writer dies between two requests. The local store
  runs both in one SQLite transaction, each in a savepoint (a failed write is undone alone, the ones
  before it stay), so the log is synced once. A `bulkWrite` whose answer is lost is settled as a lost
  insert is: the commit is inserted again and a duplicate holding the command's event ids is its own
  (`test_store_transient_retry.py`). MongoDB 7 answers "no such command" having written nothing, and
  the kit sends two requests from then on (`test_round_trips.py`); the kit's fault tests, which stop
  a writer between the two writes, run on that path. A command that creates its aggregate, or whose
  state its process holds, is one round trip where it was two, any other two where it was three.
- **An audit entry and the chain's head travel the same way** (`audit.py`): an audited action was two
  round trips (the entry, then the head that covers it), it is one; records that arrive while a process
  writes still go together, their entries and one head in one request. An entry whose position another
  writer took stops the request before the head, and the rest go one by one as before; an answer lost
  is settled by the entry's id, as before (`test_audit_chain.py`, both ways). With both changes:
  registering a victim 6 -> 4 round trips, a referral 5 -> 3, accepting a referral 9 -> 7, a first SMS
  14 -> 11 (the services' `test_round_trips.py`, `test_dispatch_round_trips.py`).
- **Side by side on one store** (four rounds of 1,500, in turn, load below 1): two inserts into two
  collections took 0.91-1.02 ms of wall time and 0.53-0.61 ms of store CPU as two requests, 0.67-0.77
  and 0.45-0.55 ms as one `bulkWrite`, and 0.15-0.20 ms less of the client's CPU (one PyMongo call
  instead of two). Without the savepoints the store would save about 0.05 ms more; they keep each
  write's outcome exactly what it is alone, so they stay.
- **The store no longer tracks object lifetimes outside debug builds** (item 11): the release build
  recorded a stack in a pprof profile for every document iterator, 4.7 % of its CPU per insert.
- **Figures.** The HTTP command against a bare endpoint at 50k, in five runs of `bench/run.py` (load
  0.6-3.7; this page's is the fifth): 0.52, 0.54, 0.44, 0.73 and 0.59 on CPU (0.46-0.50 in the previous
  round's two), 0.56, 0.67, 0.47, 0.76 and 0.66 on wall-clock throughput; empty 0.61, 0.79, 0.55, 0.52 and
  0.51 on CPU. The bare endpoint and the command are measured minutes apart there, so `bench/ab_http.py`
  now runs them in one process, round after round (bare, kit, six rounds of 400 each; load 1.2-1.9):
  median 0.61 on CPU empty (rounds 0.50-0.67), 0.51 at 50k (0.44-0.63), 0.66 and 0.55 on wall-clock time.
  At 50k the target holds on the median and not in every round. The kit command with its polling relay:
  0.38-0.60 of a bare insert on wall-clock throughput (0.37-0.45), 0.33-0.54 on CPU (0.36-0.40): the
  relay's share, which this change does not touch, is most of what separates it from a bare insert. A
  command alone costs 0.86-0.89 ms of CPU (1.02 before; the profile above). The pipeline at 5 flows/s,
  store round trips per flow over all processes: 124.5-126.8 before, 112.2 with the commit change,
  104.8-106.2 with the audit's too; the store's CPU per flow, 80-97 ms in this round's runs against 91-98,
  moves with the run.
"""

NOTES = """
## What limits the targets that do not hold

Part 2 of issue 12 against part 1 (the "Before and after the write path and listings" table):
a command is two store round trips at most (projection read; commit and projection write in one
`bulkWrite`), one when this process holds the aggregate's state or the command creates its aggregate
(one more each on a store without `bulkWrite`), where it was five plus a per-commit check by the
relay; a relay pass is two (pending commits read from an index, then unmarked), whatever the batch;
the relay no longer polls at 20 Hz (it doubles its wait up to `RELAY_IDLE_POLL_SECONDS`, 0.5 s, and a
commit of its process wakes it).

- **Kit and HTTP command against bare operations (CPU).** The HTTP command holds at both sizes since
  this round's store changes: in `bench/ab_http.py`'s alternating rounds (three runs, load below 1.6) its
  median against a bare FastAPI endpoint doing one insert is 0.58-0.65 on CPU at 50k (every one of 18
  rounds 0.55-0.71) and 0.62-0.65 empty, where it was 0.51 (rounds 0.44-0.63) at the start of the round;
  `bench/run.py`, whose HTTP rows now alternate too, gives 0.63 and 0.60 at 50k and 0.58 and 0.60
  empty in two runs. What is left of its cost beyond the bare
  endpoint's: the commit's and projection's second write inside the store's `bulkWrite` (about 0.2 ms of
  store CPU), the commit document and its hash, the auth dependency and the kit's middlewares (0.1-0.2 ms
  together on this machine). The kit command with its polling relay: 0.36-0.56 of a bare insert on CPU
  in this round's runs, over the 0.3 line in every run and at the stretch's 0.5 in some; the command alone
  (no relay) is about 0.95 ms of CPU here, the relay's pass per commit (its read of the pending commits
  and their unmarking, both cheaper by a fifth to a third with the statements kept) most of the rest.
  Publishing a process's own commits from memory would spare the read, but the relay must publish an
  aggregate's versions in order whoever wrote them, which the read is what guarantees.
- **Relay drain.** Store-bound, flat with the history's size: 0.49-0.63 ms of CPU per event in this
  round's runs, 0.45-0.73 in the previous round's five (its path did not change; the spread is the
  machine's), 0.54-0.55 before the store removed the pending mark itself and 1.07-1.09 before it wrote
  an update's documents together.
- **Intake listing** (holds in the listings run; part 3). The local store used to walk its `_id_` index
  for an `_id` sort and let SQLite test the filter on each row (about 18 microseconds of JSON per ~2 KB
  incident) until 51 matched: cheap for a common filter, costly for a selective one (region, dates).
  The store patch now searches the compound index ending in `_id` whose leading keys the page fixes
  (`{organisation, region, _id}`...), so a page reads only its own rows, in order: the selective
  shapes cost a third of the store CPU they did and no longer grow with the collection (tables above).
  What is left per page is FerretDB decoding the 51 incidents it returns in Go (JSON, then BSON: about
  30 ms of CPU per page in a profile), the same for every shape, and SQLite testing the `$ne` and date
  ranges on the rows it reads; violation types (an array in every incident) are tested per row along
  `{organisation, _id}`. On this shared machine the wall-clock p95 is mostly the wait for a core: it
  holds at the listings run's load and not at every load (the side-by-side table). One-time cost: the
  first `_id`-sorted page on a collection after the store starts reads the whole table once per field it
  relies on (several seconds at 50k on a loaded machine), like the `_id` order check before it.
- **Casework lists** (the listings run and the side-by-side table). The inbox's pages and "my cases" are
  the kit's keyset pages, sorted on a date then `_id`. The store used to push no sort of two keys down
  at all: every referral or case its index lookup kept (a third of the 50k for an organisation's
  decided referrals or cases) was decoded in Go and sorted there, 2.3-2.6 s of store CPU a page. The
  store patch now walks the compound index ending with the date and `_id` whose other keys the page
  fixes (casework's indexes end with both now), in the page's order and from the cursor on, so a page
  reads its own rows: about 10-15 ms of store CPU for the decided referrals and a case manager's cases.
  The pending inbox fixes no second key (`receiving_organisation $in [org, null]`: the null is an
  addressee-less referral), so SQLite sorts the pending referrals after its `status` lookup, also about
  10 ms. **A lawyer's cases** were the one listing over the target (p95 about 200-250 ms at 50k, 238 ms
  of store CPU a page): `lawyers` is a list, SQLite has no multikey index and does not read a JSON
  operator's value from an index, so every case row holding a list was read, then sorted. The store
  patch now keeps, for an index shaped `{list, date, _id}`, an elements table of (lawyer, date, case id)
  written by SQLite triggers in the same statement as each case (so it cannot disagree with the cases),
  and walks it for the lawyer from the cursor, reading each case by `_id`: p95 about 13-17 ms on a quiet
  machine, 12-14 ms of store CPU a page, as a case manager's (the side-by-side table). Made on the first such page (once:
  about 2.8 s for 32k cases), it costs 0.15-0.17 ms of store CPU per case written, on a replace of
  about 1.1 ms (the update trigger compares the lawyers and the date, and rewrites the rows only when
  they changed: 0.35 ms then; `bench/ab_case_writes.py`); other collections pay nothing. A per-lawyer read
  model in casework would have served it too, at the price of a second write in casework's commands
  and a check against the case on every read; MongoDB serves it from
  the multikey index `{lawyers, opened_on: -1, _id: -1}`. Fixed since: the kit's keyset cursor
  (`Listing.after`) could not step past an item whose sort value is null or missing (`{$gt: null}` matches
  nothing); it now goes on to the set values, and a descending listing declared `nullable` ends with the
  missing ones (`test_listing_missing_values.py`); casework's dates are always set.
- **Advocacy.** The rebuild writes each broker batch of replayed facts in one unordered insert (and
  their marks after them). The indicators no longer read and fold every fact on each request (the
  "Advocacy indicators: the read model" section); what still grows with the history is computing a
  question's figures after its facts changed, in memory.
- **Pipeline.** The referral reaching casework's inbox was slow because casework handled each
  registration's `victim.consent_changed` by listing the victim's cases and referrals (two full scans of
  50k documents on the local store, ahead of the referral in the same partition): a consent that was
  never withdrawn has nothing to clear, so casework now skips them (and the lists are indexed for the
  other cases). The target holds on this round's merged code, nothing else running (two runs, load
  2.9-4.8): 5 flows/s offered were served at 4.99 and 5.19/s with every hop's p99 at most 0.23 and 1.34
  s, and 6 offered at 5.97/s with every hop's p99 at most 1.64 s (the previous round's quiet run: 5.23/s,
  0.31 s). 10 flows/s offered were all served, at 7.5-8.0/s, and 20 flows/s offered too, at 8.2-9.9/s
  (8.9 before): the two cores' ceiling, 210-260 ms of CPU per flow over the ten service processes,
  FerretDB and Kafka. The SMS hops queue first (p99 7-9 s at 10 offered, 16-20 s at 20): notify's worker
  is still the busiest process (40-46 ms and 50-54 round trips per flow). So the stretch (20 flows/s,
  every hop p99 < 1 s) does not hold on two cores. This round's runs, with a commit and its projection
  in one request (load 2.1-4.8): 5 flows/s offered were served at 5.09/s with every hop's p99 at most
  0.41 s, 6 at 6.01/s (0.25 s), 10 at 7.34/s and 20 at 10.01/s, all 300 flows served (34 sent again
  after a 503); 112 store round trips per flow at 5/s (124.5-126.8 before it). With an audit entry and
  its head in one request too, two runs (load 2.4-5.6): 5 at 4.97 and 5.02/s (every hop's p99 at most
  0.27 and 0.48 s), 6 at 6.03 and 5.99/s (0.38 and 0.27 s), 10 at 8.96 and 8.94/s, 20 at 10.62 and
  9.30/s, none sent again; 104.8 and 106.2 round trips per flow at 5/s. The bench's flows now wait
  `Retry-After` after a 503 and send again under the same Idempotency-Key (counted as retried, not
  failed). The runs of the branches, at load 14-32, could not keep up with 5/s: on a shared
  machine the pipeline's wall-clock figures are the load's. The figures that survive the noise are the
  store round trips per flow: 198-216 before the cuts of this round, 182-188 after, at 1 and 2 flows/s:
  - intake's API, 22-23 -> 17: a registration reads nothing before it writes (the key's insert tells a
    new victim from a retry) and a referral without incidents lets the decision check the victim (10 and
    7 round trips -> 7 and 5, `services/intake/tests/integration/test_round_trips.py`); the rest is the
    key release notify asks for (five, with its audit entry) and two audit writes per command;
  - casework's API, 19 -> 16: the acceptance opens the case from the state it just committed and reads
    the referral's victim from its projection (12 -> 9); its worker's check of its own acceptance reads
    the case's projection before deciding (7 -> 4) (`services/casework/tests/integration/test_round_trips.py`);
  - notify's worker, 95-97 -> 78-79: a delivery its consumer commits due now is handed to the dispatcher
    in the same process (no poll; the poll is back to its 1 s default), the dispatcher decides on the state
    its process just wrote and the claim reads nothing, no second queue insert after a prompt commit, the
    audit's owner comes from the contact read after the claim, a number already indexed is not indexed
    again: one SMS is 15 round trips, 14 for a second one to the same number
    (`services/notify/tests/integration/test_dispatch_round_trips.py`).
  Sampled with py-spy (40 Hz, 12 s, at 2 flows/s): notify's worker spends about half its samples in
  PyMongo calls and a third in its consumers' handlers; intake's API a third in PyMongo, 18 % in the event
  store's command. FerretDB is the largest single consumer (140-200 ms per flow, about 0.8-0.9 ms per
  round trip), then Kafka (67-200 ms per flow, mostly a per-second cost of the consumers' fetches, so
  dearer per flow at low rates). This round cut the kit's costs it named (table "What a flow costs each
  process"); what is left of them: notify's worker makes about 17 round trips per flow for its relay
  (pending commits read, then unmarked, per wake), an audited action still writes two (entry and head,
  shared under concurrency). Notify's round (table "Notify's worker, by command and collection") then
  took its worker from 62-67 to 51-56 round trips per flow at 5-20 flows/s: its deliveries, hearings and
  recipients new to it are written without reading them first, and a claim no longer puts its queue entry
  off. Beyond what the cores give, the APIs' overload guard sheds people's requests
  with 503 + Retry-After, as designed; intake's key release, a service's call, is no longer among them.

## Reading the figures

- Ratios compare throughput with the matching raw baseline measured in the same run on the same
  machine, because these machines are shared and noisy: 1.0 would be as fast as the raw stack.
- CPU per operation is read from `/proc` for the store process and for the bench process (which runs
  the kit, its relay and consumer): unlike wall time, it does not grow with the machine's load, so
  the targets on growth and ratios are judged on it when the run measured it. A kit command's CPU is
  counted from its first command until the relay has published the last (the relay's work in, the
  topic's creation and the bench's reader that checks the records out), the consumer's from its first
  event handled to its last (producing its input and joining the group out); 300 operations each, even
  with `--quick`, because the store's CPU comes in 10 ms ticks.
- Every measurement is bounded in count and in seconds; `n` says how many operations were done. On a
  store that scans, operations at 50k take seconds each, so those rows have few samples.
- A kit command is two store round trips (read the projection; insert the commit and write the
  projection unless a newer one is stored, an insert for a first version, in one `bulkWrite`; the read is
  skipped when the process holds the state or the command creates its aggregate; three on a store
  without `bulkWrite`), counted
  by `libs/servicekit/tests/integration/test_round_trips.py`; with the `_id` paths indexed none of them
  grows with the collections, which the CPU table shows. The bench's commands create new aggregates
  under minted ids (`creates=True`): one round trip each.
- The relay drain is one relay publishing a backlog of 2,000 pending commits: per pass it reads up to 500
  pending commits from the kit's index (oldest first), publishes, and unmarks the delivered ones in one
  update by `_id`.
- The listings call the services' own query code (`IncidentQueries.page`, casework's `Queries`,
  advocacy's `figures.snapshot`) on projections built by their domain code, with the indexes the services
  declare (created before measuring, as the services create them at start-up); the advocacy rebuild replays
  intake's `incident.documented` events from the broker with advocacy's own handlers.
- No test asserts a time; the proof that the `_id` paths use the index is the store's query plan
  (`libs/servicekit/tests/integration/test_store_indexes.py`).

## Method

With the local stack up (`make infra-up`, `eval "$(deploy/local/env.sh)"`):

```sh
uv run python bench/run.py                  # tiers 0, 10k, 50k (about an hour at load average 20-40; --quick: a fifth)
uv run python bench/run.py --listings       # only intake's and casework's listings, p50 / p95 of each query shape
uv run python bench/ab_listings.py URL_A URL_B DB   # intake's and casework's shapes on two builds, in turn
                                            # (see below; --seed 50000 first seeds DB_intake, DB_casework)
uv run python bench/pipeline.py             # five services, 50k seeded, flows at 1, 2, 5, 10 per second
                                            # (services on --port-base 12600 + 1..5; --count-trips: round trips per process)
uv run python bench/store_ops.py --label "..."   # one candidate store's _id operations and listing
uv run python bench/kit_profile.py --tiers 0,0,50000 --count 1000   # each round trip of a command, alone
uv run python bench/ab_http.py              # the HTTP command and the bare endpoint in alternating rounds
uv run python bench/report.py               # this page
```

or `make bench` for the first two and the report, around a stack it starts and stops. Raw results are
in `bench/results/`: `latest.json`, `pipeline-latest.json`, `store-ops-*.json`, `kit-profile-latest.json`,
`kit-cpu-before.json` (this round's run before the kit's changes), `store-before.json`
(the run on FerretDB as released, `FERRETDB_PATCH= deploy/local/install.sh`), `listings-latest.json` and
`listings-before.json` (the listings run on the build before the keyset walk),
`ab-listings-latest.json`. For the side-by-side run, intake and casework were seeded to 50k in kept
databases through the stack's store (the new build, `--seed`), and the previous build (still in
`.cache/ferretdb/`, named by its patch hash) was started by hand on another port over the same SQLite
directory, only for reading.
"""
