#include "CSQLite.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static struct {
    int (*open_v2)(const char *, sqlite3 **, int, const char *);
    int (*close)(sqlite3 *);
    void *(*malloc64)(sqlite3_uint64);
    int (*deserialize)(sqlite3 *, const char *, unsigned char *, sqlite3_int64, sqlite3_int64, unsigned);
    int (*prepare_v2)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **);
    int (*step)(sqlite3_stmt *);
    int (*finalize)(sqlite3_stmt *);
    int (*column_bytes)(sqlite3_stmt *, int);
    const void *(*column_blob)(sqlite3_stmt *, int);
    int (*errcode)(sqlite3 *);
    const char *(*errmsg)(sqlite3 *);
    int (*db_config)(sqlite3 *, int, ...);
} api;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int ready;
static char failure[512];
static const char *file = "libsqlite3.so.0";

static void *symbol(void *library, const char *name) {
    void *f = dlsym(library, name);
    if (!f && !failure[0]) snprintf(failure, sizeof failure, "%s has no %s (SQLite 3.36 or later is needed)", file, name);
    return f;
}

static void load(void) {
    void *library = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(failure, sizeof failure, "SQLite is not installed (%s); on Debian or Ubuntu: apt install libsqlite3-0", dlerror());
        return;
    }
    *(void **)&api.open_v2 = symbol(library, "sqlite3_open_v2");
    *(void **)&api.close = symbol(library, "sqlite3_close");
    *(void **)&api.malloc64 = symbol(library, "sqlite3_malloc64");
    *(void **)&api.deserialize = symbol(library, "sqlite3_deserialize");
    *(void **)&api.prepare_v2 = symbol(library, "sqlite3_prepare_v2");
    *(void **)&api.step = symbol(library, "sqlite3_step");
    *(void **)&api.finalize = symbol(library, "sqlite3_finalize");
    *(void **)&api.column_bytes = symbol(library, "sqlite3_column_bytes");
    *(void **)&api.column_blob = symbol(library, "sqlite3_column_blob");
    *(void **)&api.errcode = symbol(library, "sqlite3_errcode");
    *(void **)&api.errmsg = symbol(library, "sqlite3_errmsg");
    *(void **)&api.db_config = symbol(library, "sqlite3_db_config");
    ready = failure[0] == 0;
}

int fathom_sqlite_load(void) {
    pthread_once(&once, load);
    return ready;
}

const char *fathom_sqlite_error(void) { return failure; }

int fathom_sqlite3_open_v2(const char *name, sqlite3 **db, int flags, const char *vfs) { return api.open_v2(name, db, flags, vfs); }
int fathom_sqlite3_close(sqlite3 *db) { return api.close(db); }
void *fathom_sqlite3_malloc64(sqlite3_uint64 n) { return api.malloc64(n); }
int fathom_sqlite3_deserialize(sqlite3 *db, const char *schema, unsigned char *data, sqlite3_int64 size,
                               sqlite3_int64 capacity, unsigned flags) {
    return api.deserialize(db, schema, data, size, capacity, flags);
}
int fathom_sqlite3_prepare_v2(sqlite3 *db, const char *sql, int bytes, sqlite3_stmt **statement, const char **tail) {
    return api.prepare_v2(db, sql, bytes, statement, tail);
}
int fathom_sqlite3_step(sqlite3_stmt *statement) { return api.step(statement); }
int fathom_sqlite3_finalize(sqlite3_stmt *statement) { return api.finalize(statement); }
int fathom_sqlite3_column_bytes(sqlite3_stmt *statement, int column) { return api.column_bytes(statement, column); }
const void *fathom_sqlite3_column_blob(sqlite3_stmt *statement, int column) { return api.column_blob(statement, column); }
int fathom_sqlite3_errcode(sqlite3 *db) { return api.errcode(db); }
const char *fathom_sqlite3_errmsg(sqlite3 *db) { return api.errmsg(db); }
int fathom_sqlite_defensive(sqlite3 *db) { return api.db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0); }
