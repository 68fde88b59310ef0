#ifndef FATHOM_CSQLITE_H
#define FATHOM_CSQLITE_H
/* SQLite: RPM's package database (rpmdb.sqlite, Fedora >= 33, RHEL 9), opened read-only from memory. */
#include <sqlite3.h>

/*
 * Loaded on first use (dlopen) rather than linked: only an image with an RPM database needs it, and
 * mapping it costs every process about 1 MB. fathom_sqlite_load() loads libsqlite3.so.0 once
 * (thread-safe); it returns 1 when every function below is ready, else 0, and fathom_sqlite_error()
 * says what is missing. The other functions may be called only after it returned 1.
 */
int fathom_sqlite_load(void);
const char *fathom_sqlite_error(void);

int fathom_sqlite3_open_v2(const char *name, sqlite3 **db, int flags, const char *vfs);
int fathom_sqlite3_close(sqlite3 *db);
void *fathom_sqlite3_malloc64(sqlite3_uint64 n);
int fathom_sqlite3_deserialize(sqlite3 *db, const char *schema, unsigned char *data, sqlite3_int64 size,
                               sqlite3_int64 capacity, unsigned flags);
int fathom_sqlite3_prepare_v2(sqlite3 *db, const char *sql, int bytes, sqlite3_stmt **statement, const char **tail);
int fathom_sqlite3_step(sqlite3_stmt *statement);
int fathom_sqlite3_finalize(sqlite3_stmt *statement);
int fathom_sqlite3_column_bytes(sqlite3_stmt *statement, int column);
const void *fathom_sqlite3_column_blob(sqlite3_stmt *statement, int column);
int fathom_sqlite3_errcode(sqlite3 *db);
const char *fathom_sqlite3_errmsg(sqlite3 *db);
/* sqlite3_db_config is variadic, which Swift cannot call: defensive mode (no writes to the schema or
 * shadow tables, whatever a hostile database asks for). */
int fathom_sqlite_defensive(sqlite3 *db);
#endif
