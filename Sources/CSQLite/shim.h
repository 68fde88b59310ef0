#ifndef FATHOM_CSQLITE_SHIM_H
#define FATHOM_CSQLITE_SHIM_H
/* SQLite: RPM's package database (rpmdb.sqlite, Fedora >= 33, RHEL 9), opened read-only from memory. */
#include <sqlite3.h>

/* sqlite3_db_config is variadic, which Swift cannot call: defensive mode (no writes to the schema or
 * shadow tables, whatever a hostile database asks for). */
static inline int fathom_sqlite_defensive(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
}
#endif
