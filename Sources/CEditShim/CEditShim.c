#include "CEditShim.h"

#include <errno.h>
#include <histedit.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include <wchar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static EditLine *editor;
static History *history_list;
static HistEvent history_event;
static char prompt_text[256] = "> ";
static klynge_completer completer_callback;
static volatile sig_atomic_t interrupted;

void klynge_setlocale(void) {
    const char *set = setlocale(LC_CTYPE, "");
    if (set == NULL || strcmp(set, "C") == 0 || strcmp(set, "POSIX") == 0) {
        if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) setlocale(LC_CTYPE, "C.utf8");
    }
}

static void on_sigint(int signo) {
    (void)signo;
    interrupted = 1;
}

void klynge_install_sigint(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART: a blocked read returns EINTR so el_gets comes back
    sigaction(SIGINT, &action, NULL);
    // A parent may have started us with SIGINT blocked; Ctrl-C must reach the handler.
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, SIGINT);
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);
}

int klynge_take_interrupt(void) {
    int was = interrupted;
    interrupted = 0;
    return was;
}

int klynge_interrupt_pending(void) { return interrupted; }

// libedit's own reader blocks in read(2); a Ctrl-C that arrives while libedit is busy
// elsewhere (echoing, redrawing) would be noticed only at the next key. This reader wakes every
// 100 ms to look at the flag, so an interrupt always ends el_gets promptly.
static int read_character(EditLine *el, wchar_t *out) {
    (void)el;
    char bytes[MB_LEN_MAX];
    size_t length = 0;
    for (;;) {
        if (interrupted) { errno = EINTR; return -1; }
        struct pollfd ready = { .fd = STDIN_FILENO, .events = POLLIN };
        int polled = poll(&ready, 1, 100);
        if (polled < 0 && errno != EINTR) return -1;
        if (polled <= 0) continue;
        char byte;
        ssize_t got = read(STDIN_FILENO, &byte, 1);
        if (got == 0) return 0;
        if (got < 0) { if (errno == EINTR) continue; return -1; }
        bytes[length++] = byte;
        mbstate_t state;
        memset(&state, 0, sizeof state);
        wchar_t wide;
        size_t used = mbrtowc(&wide, bytes, length, &state);
        if (used == (size_t)-2 && length < sizeof bytes) continue; // more bytes of one character to come
        if (used == (size_t)-1 || used == (size_t)-2) { *out = (unsigned char)bytes[0]; return 1; }
        *out = wide;
        return 1;
    }
}

static char *prompt_function(EditLine *el) {
    (void)el;
    return prompt_text;
}

void klynge_editor_set_prompt(const char *prompt) {
    strncpy(prompt_text, prompt, sizeof prompt_text - 1);
    prompt_text[sizeof prompt_text - 1] = '\0';
}

static unsigned char complete(EditLine *el, int ch) {
    (void)ch;
    if (completer_callback == NULL) return CC_ERROR;
    const LineInfo *info = el_line(el);
    size_t length = (size_t)(info->cursor - info->buffer);
    char *before = malloc(length + 1);
    if (before == NULL) return CC_ERROR;
    memcpy(before, info->buffer, length);
    before[length] = '\0';
    char *answer = completer_callback(before);
    free(before);
    if (answer == NULL) return CC_ERROR;
    char *newline = strchr(answer, '\n');
    if (newline != NULL) *newline = '\0';
    unsigned char status = CC_REFRESH;
    if (answer[0] != '\0') el_insertstr(el, answer);
    if (newline != NULL && newline[1] != '\0') {
        fputs("\n", stdout);
        fputs(newline + 1, stdout);
        fflush(stdout);
        status = CC_REDISPLAY;
    } else if (answer[0] == '\0') {
        status = CC_ERROR;
    }
    free(answer);
    return status;
}

int klynge_editor_open(const char *program, klynge_completer completer) {
    completer_callback = completer;
    history_list = history_init();
    if (history_list == NULL) return 0;
    history(history_list, &history_event, H_SETSIZE, 5000);
    history(history_list, &history_event, H_SETUNIQUE, 1);
    editor = el_init(program, stdin, stdout, stderr);
    if (editor == NULL) return 0;
    el_set(editor, EL_EDITOR, "emacs");
    el_set(editor, EL_GETCFN, read_character);
    el_set(editor, EL_PROMPT, prompt_function);
    el_set(editor, EL_HIST, history, history_list);
    el_set(editor, EL_ADDFN, "klynge-complete", "Complete the word at the cursor", complete);
    el_set(editor, EL_BIND, "^I", "klynge-complete", NULL);
    el_set(editor, EL_BIND, "^R", "em-inc-search-prev", NULL);
    el_source(editor, NULL); // ~/.editrc (or $EDITRC) may override the bindings above
    return 1;
}

const char *klynge_editor_gets(void) {
    int count = 0;
    return el_gets(editor, &count);
}

void klynge_editor_reset(void) {
    if (editor == NULL) return;
    const LineInfo *info = el_line(editor);
    el_cursor(editor, (int)(info->lastchar - info->cursor));
    el_deletestr(editor, (int)(info->lastchar - info->buffer));
    el_reset(editor);
}

void klynge_history_add(const char *line) {
    if (history_list != NULL) history(history_list, &history_event, H_ENTER, line);
}

int klynge_history_load(const char *path) {
    if (history_list == NULL) return -1;
    return history(history_list, &history_event, H_LOAD, path) < 0 ? -1 : 0;
}

int klynge_history_save(const char *path) {
    if (history_list == NULL) return -1;
    return history(history_list, &history_event, H_SAVE, path) < 0 ? -1 : 0;
}

void klynge_editor_close(void) {
    if (editor != NULL) el_end(editor);
    if (history_list != NULL) history_end(history_list);
    editor = NULL;
    history_list = NULL;
}
