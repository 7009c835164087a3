/*
 * Safe output for the `simdinit` program: a file or a folder is written under
 * a temporary name in the target's own directory and renamed onto the target
 * only when it is complete, so the target is either the old content, untouched,
 * or the whole new one. Used by `fill` (one .npy file) and `model` (a
 * safetensors folder or a GGUF file).
 *
 *  - Temporary names: "<dir>/.<name>.simdinit-XXXXXX" (mkstemp / mkdtemp), so the
 *    rename never crosses a filesystem.
 *  - Errors (no space, a write error, a bad argument found late): the caller
 *    calls safeout_abort, which removes everything created.
 *  - SIGINT, SIGTERM, SIGHUP and SIGQUIT: a handler (async-signal-safe: unlink and
 *    rmdir only) removes every registered temporary file and folder, then the
 *    signal's default action ends the process as before. A signal that arrives
 *    while the final rename is under way is held until the rename is done. SIGKILL
 *    cannot be caught: the temporary stays behind (its name says what it is), the
 *    target is still untouched.
 *  - SIGXFSZ is ignored while an output is open, so a file-size limit
 *    (RLIMIT_FSIZE) is a write error (EFBIG) handled like a full disk.
 *  - A file target that exists and is not a regular file (/dev/null, /dev/full,
 *    a FIFO) is written in place: it cannot be replaced by a rename and holds no
 *    content to lose. A symbolic link to a file is followed: the file it names is
 *    replaced, the link stays.
 *  - A replaced file keeps its permission bits; a new one gets 0666 & ~umask
 *    (folders 0777 & ~umask), as open(2) and mkdir(2) would give.
 *  - A folder target that exists is replaced (with replace == true) only when it
 *    holds nothing but regular files named *.safetensors or *.json, i.e. looks
 *    like a model folder: `--out ~ --force` never deletes a home directory. The
 *    new folder is swapped in atomically (renameat2 RENAME_EXCHANGE where the
 *    filesystem has it) and the old one is then deleted.
 * The data is not fsync'ed (as `dd` without conv=fsync): a power loss right
 * after the rename may lose it, never the structure of the old target.
 */
#ifndef SIMDINIT_TOOLS_SAFEOUT_H
#define SIMDINIT_TOOLS_SAFEOUT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct safeout {
    char *target;   /* the final path (a symlink resolved) */
    char *tmp;      /* the temporary file or folder; NULL in direct mode */
    bool is_dir;
    bool direct;    /* writing a non-regular file in place */
    bool existed;   /* the target existed when the output was opened */
    unsigned mode;  /* permission bits the result gets */
    int fd;         /* file outputs: the open descriptor (owned until commit/abort) */
    int slot;       /* private: registry index of tmp */
} safeout;

/*
 * Opens a file output for `target`. An existing regular file is refused
 * unless `replace` (the message says "exists"). On success so->fd is open for
 * writing (O_WRONLY, the temporary file empty). Returns 0, or -1 with a
 * one-line message in err.
 */
int safeout_open_file(safeout *so, const char *target, bool replace, char *err, size_t errsize);

/* Opens a folder output: a new empty temporary folder (so->tmp). */
int safeout_open_dir(safeout *so, const char *target, bool replace, char *err, size_t errsize);

/* Creates the file `name` (no '/') inside a folder output, registered for
 * removal, open O_WRONLY; returns its descriptor or -1 with err set. */
int safeout_dir_file(safeout *so, const char *name, char *err, size_t errsize);

/* Closes so->fd (file outputs; a caller that handed it to fdopen and closed
 * the stream sets so->fd = -1 first) and renames the result onto the target.
 * Returns 0, or -1 with err set (everything created is then removed). The
 * caller closes the descriptors of files it created in a folder output before. */
int safeout_commit(safeout *so, char *err, size_t errsize);

/* Removes everything created (closing so->fd); the target is untouched. Safe to
 * call after a failed open or commit, and twice. */
void safeout_abort(safeout *so);

#endif /* SIMDINIT_TOOLS_SAFEOUT_H */
