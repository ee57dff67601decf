// The only C the project carries: wrappers for the ncurses macros and globals that Swift 6
// cannot import (see ../shared/reference/terminal.md).
#ifndef SMMUSCOPE_CNCURSES_SHIM_H
#define SMMUSCOPE_CNCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <ncursesw/curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
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

// Writes all of `len` bytes to a file descriptor, retrying on EINTR and short writes.
// Async-signal-safe (write(2) only).
static inline void shim_write_all(int fd, const char *bytes, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, bytes, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    bytes += n;
    len -= (size_t)n;
  }
}

// Bracketed paste (xterm mode 2004): the terminal wraps pasted text in ESC[200~ ... ESC[201~.
static inline void shim_bracketed_paste(int on) {
  if (on) shim_write_all(STDOUT_FILENO, "\033[?2004h", 8);
  else shim_write_all(STDOUT_FILENO, "\033[?2004l", 8);
}

// Installs a handler for a signal with sigaction (no SA_RESTART when `restart` is 0, so a
// blocking read returns EINTR). When `only_if_default` is set, a signal the parent set to be
// ignored (e.g. SIGHUP under nohup) or that already has a handler is left alone.
// Returns 1 if the handler was installed.
static inline int shim_install_handler(int sig, void (*handler)(int), int restart, int only_if_default) {
  struct sigaction old;
  if (sigaction(sig, NULL, &old) != 0) return 0;
  if (only_if_default && ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL)) return 0;
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = restart ? SA_RESTART : 0;
  return sigaction(sig, &action, NULL) == 0;
}
static inline void shim_default_action(int sig) { signal(sig, SIG_DFL); }
#ifdef SIGRTMIN
// The real-time signals (Linux); their default action ends the process.
static inline int shim_sigrtmin(void) { return SIGRTMIN; }
static inline int shim_sigrtmax(void) { return SIGRTMAX; }
#endif

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

// How to give the terminal back from inside a signal handler, where endwin() must not be
// called: the terminal modes saved before curses started, and the bytes that undo what curses
// turned on (attributes, hidden cursor, keypad transmit, mouse reporting, bracketed paste, the
// alternate screen), prepared while curses is open. Restoring is tcsetattr(3) and write(2),
// both async-signal-safe.
struct shim_restore_state {
  struct termios modes;
  int have_modes;
  char bytes[512];
  size_t length;
};
static inline struct shim_restore_state *shim_restore_storage(void) {
  static struct shim_restore_state state;
  return &state;
}
// Saves the terminal modes of standard input. Call before curses changes them.
static inline void shim_save_terminal_modes(void) {
  struct shim_restore_state *s = shim_restore_storage();
  s->have_modes = tcgetattr(STDIN_FILENO, &s->modes) == 0;
}
static inline void shim_append_restore_bytes(const char *text) {
  struct shim_restore_state *s = shim_restore_storage();
  if (text == NULL || text == (const char *)-1) return;
  size_t n = strlen(text);
  if (s->length + n > sizeof s->bytes) return;
  memcpy(s->bytes + s->length, text, n);
  s->length += n;
}
// Prepares the bytes from the current terminal's terminfo entry. Call after newterm.
static inline void shim_prepare_restore_bytes(void) {
  shim_restore_storage()->length = 0;
  shim_append_restore_bytes(tigetstr("sgr0"));
  shim_append_restore_bytes(tigetstr("cnorm"));
  shim_append_restore_bytes(tigetstr("rmkx"));
  // Mouse reporting (X10, button-event, any-event, SGR encoding) and bracketed paste off.
  shim_append_restore_bytes("\033[?1000l\033[?1002l\033[?1003l\033[?1006l\033[?2004l");
  shim_append_restore_bytes(tigetstr("rmcup"));
}
// Restores the saved modes and writes the prepared bytes. Async-signal-safe.
static inline void shim_restore_terminal(void) {
  struct shim_restore_state *s = shim_restore_storage();
  int saved_errno = errno;
  shim_write_all(STDOUT_FILENO, s->bytes, s->length);
  if (s->have_modes) tcsetattr(STDIN_FILENO, TCSADRAIN, &s->modes);
  errno = saved_errno;
}
static inline volatile sig_atomic_t *shim_resumed_flag(void) {
  static volatile sig_atomic_t flag = 0;
  return &flag;
}

#endif
