// sqlite_test.cpp: Debian's sqlite3 shell on the writable root filesystem: creates a database,
// inserts 10,000 rows in one transaction (journal file, fcntl record locks, fsync, pwrite,
// ftruncate, unlink), queries them, and a second boot of the same image reads them back.
#include "vm_harness.h"

#include <gtest/gtest.h>

namespace vm {
namespace {

TEST(Sqlite, TransactionPersistsAcrossBoots) {
    TempDir dir;
    // The same SQL runs on both boots (--skipbuild keeps the image's arguments): the rows are
    // inserted only into an empty table, and every boot adds a row to `boots`. BaseVolumeSz
    // leaves room for the database and its journal.
    dir.write_file("config.json", R"json({
        "BaseVolumeSz": "48m",
        "Args": ["/rows.db", "CREATE TABLE IF NOT EXISTS boots(n INTEGER); INSERT INTO boots VALUES (1); CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v INTEGER, s TEXT); BEGIN; WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) INSERT INTO t(v, s) SELECT x, 'row ' || x FROM c WHERE NOT EXISTS (SELECT 1 FROM t); COMMIT; SELECT 'boot', count(*) FROM boots; SELECT 'count', count(*), sum(v) FROM t; SELECT s FROM t WHERE id = 4321; PRAGMA integrity_check;"]
    })json");
    RunResult first =
        run_ops({"run", "/usr/bin/sqlite3", "-c", "config.json", "-i", "rows"}, {dir.path()});
    EXPECT_EXIT_CODE(first, 0);
    EXPECT_TRUE(
        has_lines_in_order(first.out_lines(), {"boot|1", "count|10000|50005000", "row 4321", "ok"}))
        << first.describe();

    RunOptions again{dir.path()};
    again.ops_home = first.ops_home;
    RunResult second = run_ops(
        {"run", "/usr/bin/sqlite3", "-c", "config.json", "-i", "rows", "--skipbuild"}, again);
    EXPECT_EXIT_CODE(second, 0);
    EXPECT_TRUE(has_lines_in_order(second.out_lines(),
                                   {"boot|2", "count|10000|50005000", "row 4321", "ok"}))
        << second.describe();
    // The committed transactions unlinked their rollback journal.
    RunResult listing = run_ops({"image", "ls", "rows", "/"}, again);
    EXPECT_EXIT_CODE(listing, 0);
    EXPECT_TRUE(has_lines_in_order(listing.out_lines(), {"rows.db"})) << listing.describe();
    EXPECT_TRUE(no_line_starting_with(listing.out_lines(), "rows.db-journal"))
        << listing.describe();
}

} // namespace
} // namespace vm
