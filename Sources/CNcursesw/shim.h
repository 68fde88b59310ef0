#ifndef FATHOM_CNCURSESW_SHIM_H
#define FATHOM_CNCURSESW_SHIM_H
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <curses.h>

/* ncurses' current window; a C global that Swift 6 cannot read safely by itself. */
static inline WINDOW *fathom_stdscr(void) { return stdscr; }
/* how many colours the terminal has (COLORS, another C global): 8, 16, 256, or 2^24 for direct colour */
static inline int fathom_colors(void) { return COLORS; }
#endif
