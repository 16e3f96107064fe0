// A few non-variadic wrappers around libedit for Swift.
// el_set, el_get and history() are variadic C functions, which Swift cannot call, and the
// stdin/stdout globals that el_init needs are not usable under Swift 6, so both live here.
#ifndef KLYNGE_CEDITSHIM_H
#define KLYNGE_CEDITSHIM_H

#include <stddef.h>

/// The completion callback: receives the statement text before the cursor (UTF-8) and returns
/// a malloc'ed string: the first line is inserted at the cursor, each further line is a
/// candidate to list. Returning NULL means no completion.
typedef char *(*klynge_completer)(const char *before_cursor);

/// Sets LC_CTYPE from the environment, falling back to C.UTF-8 so that libedit keeps æøå.
void klynge_setlocale(void);

/// Installs a SIGINT handler without SA_RESTART that only records the interrupt.
void klynge_install_sigint(void);
/// Returns 1 when Ctrl-C was pressed since the last call, and clears the flag.
int klynge_take_interrupt(void);
/// Returns 1 when Ctrl-C was pressed and not yet taken, without clearing.
int klynge_interrupt_pending(void);

/// Opens libedit on the terminal with history, emacs keys, Ctrl-R search, tab completion and
/// ~/.editrc; returns 0 on failure.
int klynge_editor_open(const char *program, klynge_completer completer);
/// Sets the prompt shown by the next klynge_editor_gets.
void klynge_editor_set_prompt(const char *prompt);
/// Reads one line (with its newline); NULL on end of input or interrupt (see klynge_take_interrupt).
const char *klynge_editor_gets(void);
/// Discards a partly typed line after an interrupt.
void klynge_editor_reset(void);
/// Adds an entry to the history list.
void klynge_history_add(const char *line);
/// Loads history from a file; returns 0 on success.
int klynge_history_load(const char *path);
/// Saves history to a file; returns 0 on success.
int klynge_history_save(const char *path);
/// Restores the terminal and frees libedit.
void klynge_editor_close(void);

#endif
