// The only C the project carries: wrappers for the ncurses macros and globals that Swift 6
// cannot import (see ../shared/reference/terminal.md).
#ifndef SMMUSCOPE_CNCURSES_SHIM_H
#define SMMUSCOPE_CNCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <ncursesw/curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline WINDOW *shim_stdscr(void) { return stdscr; }
static inline int shim_lines(void) { return LINES; }
static inline int shim_cols(void) { return COLS; }
static inline FILE *shim_stdin(void) { return stdin; }
static inline FILE *shim_stdout(void) { return stdout; }
static inline attr_t shim_a_bold(void) { return A_BOLD; }
static inline attr_t shim_a_reverse(void) { return A_REVERSE; }
static inline attr_t shim_a_underline(void) { return A_UNDERLINE; }
static inline attr_t shim_a_dim(void) { return A_DIM; }
static inline attr_t shim_a_normal(void) { return A_NORMAL; }
static inline int shim_key_resize(void) { return KEY_RESIZE; }
static inline int shim_key_mouse(void) { return KEY_MOUSE; }
static inline const char *shim_codeset(void) { return nl_langinfo(CODESET); }
static inline int shim_bstate_clicked(mmask_t s) { return (s & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED)) != 0; }
static inline int shim_bstate_wheel_up(mmask_t s) { return (s & BUTTON4_PRESSED) != 0; }
static inline int shim_bstate_wheel_down(mmask_t s) {
#ifdef BUTTON5_PRESSED
  return (s & BUTTON5_PRESSED) != 0;
#else
  return 0;
#endif
}
static inline mmask_t shim_all_mouse_events(void) { return ALL_MOUSE_EVENTS; }

static inline mmask_t shim_click_and_wheel_mask(void) {
  mmask_t m = BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
  m |= BUTTON5_PRESSED;
#endif
  return m;
}
// Button 1 went down or was clicked (a release alone is not a click).
static inline int shim_bstate_button1(mmask_t s) { return (s & (BUTTON1_CLICKED | BUTTON1_PRESSED)) != 0; }
static inline int shim_key_code_yes(void) { return KEY_CODE_YES; }
static inline nl_item shim_codeset_item(void) { return CODESET; }
static inline int shim_colors(void) { return COLORS; }

// Signal-handler state. Used from Swift only by Sources/Terminal/SignalHandlers.swift: a static
// in a header is one copy per object file that uses it, so exactly one Swift file owns it.
static inline volatile sig_atomic_t *shim_curses_active_flag(void) {
  static volatile sig_atomic_t flag = 0;
  return &flag;
}
static inline volatile sig_atomic_t *shim_curses_suspended_flag(void) {
  static volatile sig_atomic_t flag = 0;
  return &flag;
}

// The handlers that were installed before smmuscope's (e.g. the Swift runtime's crash
// backtracer), so a fatal fault can be handed on to them after the terminal is restored.
static inline struct sigaction *shim_saved_actions(void) {
  static struct sigaction saved[NSIG];
  return saved;
}
static inline void shim_save_action(int sig) { sigaction(sig, NULL, &shim_saved_actions()[sig]); }
static inline void shim_restore_action(int sig) { sigaction(sig, &shim_saved_actions()[sig], NULL); }
static inline volatile sig_atomic_t *shim_handlers_installed_flag(void) {
  static volatile sig_atomic_t flag = 0;
  return &flag;
}

#endif
