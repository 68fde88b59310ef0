#ifndef FATHOM_CARCHIVE_SHIM_H
#define FATHOM_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#endif
