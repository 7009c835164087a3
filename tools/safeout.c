/* Temporary-name-and-rename output with cleanup on errors and signals (see safeout.h). */
#define _GNU_SOURCE /* renameat2 */

#include "safeout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------------- */
/* The registry of temporary paths, read by the signal handler             */
/* ---------------------------------------------------------------------- */

#define SAFEOUT_MAX 4096

typedef struct reg_entry {
    char *volatile path;      /* NULL: free slot */
    volatile sig_atomic_t is_dir;
} reg_entry;

static reg_entry reg[SAFEOUT_MAX];
static volatile sig_atomic_t reg_top;      /* slots [0, reg_top) may be in use */
static volatile sig_atomic_t committing;   /* a rename is under way: hold signals */
static volatile sig_atomic_t held_signal;
static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define NCAUGHT ((int)(sizeof caught / sizeof caught[0]))
static struct sigaction old_actions[NCAUGHT];
static int installed;

/* Removes every registered path, newest first (a folder's files before it). */
static void remove_registered(void)
{
    for (int i = (int)reg_top - 1; i >= 0; i--) {
        char *p = reg[i].path;
        if (p == NULL)
            continue;
        if (reg[i].is_dir)
            rmdir(p);
        else
            unlink(p);
    }
}

static void on_signal(int sig)
{
    if (committing) {
        held_signal = sig;
        return;
    }
    int saved = errno;
    remove_registered();
    /* The signal's original action (normally: end the process). */
    for (int i = 0; i < NCAUGHT; i++)
        if (caught[i] == sig)
            sigaction(sig, &old_actions[i], NULL);
    errno = saved;
    raise(sig);
}

static void block_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < NCAUGHT; i++)
        sigaddset(&set, caught[i]);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

static void restore_signals(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

static void install_handlers(void)
{
    if (installed)
        return;
    installed = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < NCAUGHT; i++)
        sigaddset(&sa.sa_mask, caught[i]);
    for (int i = 0; i < NCAUGHT; i++) {
        struct sigaction old;
        sigaction(caught[i], NULL, &old);
        old_actions[i] = old;
        /* A signal the caller ignores (nohup) stays ignored. */
        if (old.sa_handler != SIG_IGN)
            sigaction(caught[i], &sa, NULL);
    }
    signal(SIGXFSZ, SIG_IGN);
}

/* Registers a strdup'ed path; returns its slot or -1 when the table is full. */
static int reg_add(char *path, bool is_dir)
{
    sigset_t old;
    block_signals(&old);
    int slot = -1;
    for (int i = 0; i < SAFEOUT_MAX; i++) {
        if (reg[i].path == NULL) {
            reg[i].is_dir = is_dir;
            reg[i].path = path;
            if (i >= reg_top)
                reg_top = i + 1;
            slot = i;
            break;
        }
    }
    restore_signals(&old);
    return slot;
}

/* Forgets a slot (without removing the path); returns the path to free. */
static char *reg_drop(int slot)
{
    if (slot < 0 || slot >= SAFEOUT_MAX)
        return NULL;
    sigset_t old;
    block_signals(&old);
    char *p = reg[slot].path;
    reg[slot].path = NULL;
    while (reg_top > 0 && reg[reg_top - 1].path == NULL)
        reg_top--;
    restore_signals(&old);
    return p;
}

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */
/* ---------------------------------------------------------------------- */

static int fail(char *err, size_t errsize, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsize, fmt, ap);
    va_end(ap);
    return -1;
}

/* Splits path into a malloc'ed directory ("." when none) and a pointer to its last component. */
static char *split_path(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        *base = path;
        return strdup(".");
    }
    *base = slash + 1;
    if (slash == path)
        return strdup("/");
    char *dir = malloc((size_t)(slash - path) + 1);
    if (dir) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
    return dir;
}

/* "<dir>/.<base>.simdinit-XXXXXX" (the name cut so it stays within NAME_MAX). */
static char *temp_template(const char *target, char *err, size_t errsize)
{
    const char *base;
    char *dir = split_path(target, &base);
    if (dir == NULL) {
        fail(err, errsize, "out of memory");
        return NULL;
    }
    if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        free(dir);
        fail(err, errsize, "'%s' does not name a file or folder", target);
        return NULL;
    }
    int blen = (int)strlen(base);
    if (blen > 200)
        blen = 200;
    size_t size = strlen(dir) + (size_t)blen + 32;
    char *t = malloc(size);
    if (t)
        snprintf(t, size, "%s/.%.*s.simdinit-XXXXXX", dir, blen, base);
    else
        fail(err, errsize, "out of memory");
    free(dir);
    return t;
}

static unsigned default_mode(unsigned full)
{
    mode_t mask = umask(022);
    umask(mask);
    return full & ~(unsigned)mask;
}

static void init(safeout *so)
{
    memset(so, 0, sizeof *so);
    so->fd = -1;
    so->slot = -1;
}

/* Resolves a symbolic link target to the path it names (so the link stays). */
static char *final_path(const char *target, char *err, size_t errsize)
{
    struct stat lst;
    if (lstat(target, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        char *r = realpath(target, NULL);
        if (r == NULL)
            fail(err, errsize, "cannot follow the symbolic link '%s': %s", target,
                 strerror(errno));
        return r;
    }
    char *r = strdup(target);
    if (r == NULL)
        fail(err, errsize, "out of memory");
    return r;
}

/* Creates and registers the temporary file (so->fd) or folder beside so->target,
 * with no window between creating and registering it. */
static int make_temp(safeout *so, const char *target, char *err, size_t errsize)
{
    install_handlers();
    char *t = temp_template(so->target, err, errsize);
    if (t == NULL) {
        safeout_abort(so);
        return -1;
    }
    sigset_t old;
    block_signals(&old);
    bool made;
    if (so->is_dir)
        made = mkdtemp(t) != NULL;
    else
        made = (so->fd = mkostemp(t, O_CLOEXEC)) >= 0;
    int e = errno;
    if (made)
        so->slot = reg_add(t, so->is_dir);
    restore_signals(&old);
    if (!made) {
        free(t);
        safeout_abort(so);
        return fail(err, errsize, "cannot create a %s beside '%s': %s",
                    so->is_dir ? "folder" : "file", target, strerror(e));
    }
    if (so->slot < 0) {
        if (so->is_dir)
            rmdir(t);
        else
            unlink(t);
        free(t);
        safeout_abort(so);
        return fail(err, errsize, "too many temporary files");
    }
    so->tmp = t;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Files                                                                   */
/* ---------------------------------------------------------------------- */

int safeout_open_file(safeout *so, const char *target, bool replace, char *err, size_t errsize)
{
    init(so);
    if ((so->target = final_path(target, err, errsize)) == NULL)
        return -1;
    struct stat st;
    if (stat(so->target, &st) == 0) {
        so->existed = true;
        if (S_ISDIR(st.st_mode)) {
            safeout_abort(so);
            return fail(err, errsize, "'%s' is a folder", target);
        }
        if (!S_ISREG(st.st_mode)) {
            /* A device or FIFO: written in place, never renamed over. */
            so->direct = true;
            so->fd = open(so->target, O_WRONLY | O_CLOEXEC);
            if (so->fd < 0) {
                int e = errno;
                safeout_abort(so);
                return fail(err, errsize, "cannot open '%s': %s", target, strerror(e));
            }
            install_handlers();
            return 0;
        }
        if (!replace) {
            safeout_abort(so);
            return fail(err, errsize, "'%s' exists (give --force to replace it)", target);
        }
        so->mode = st.st_mode & 07777;
    } else {
        so->mode = default_mode(0666);
    }
    return make_temp(so, target, err, errsize);
}

/* ---------------------------------------------------------------------- */
/* Folders                                                                 */
/* ---------------------------------------------------------------------- */

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* 0 when every entry of `dir` is a regular file named *.safetensors or *.json. */
static int check_model_folder(const char *dir, char *err, size_t errsize)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return fail(err, errsize, "cannot read the folder '%s': %s", dir, strerror(errno));
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct stat st;
        bool regular = fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                       S_ISREG(st.st_mode);
        bool ours = has_suffix(e->d_name, ".safetensors") || has_suffix(e->d_name, ".json");
        if (!regular || !ours) {
            rc = fail(err, errsize, "refusing to replace the folder '%s': it holds '%s', which "
                      "is not a *.safetensors or *.json file", dir, e->d_name);
            break;
        }
    }
    closedir(d);
    return rc;
}

/* Deletes a folder checked by check_model_folder (regular files only). */
static void remove_model_folder(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
    rmdir(dir);
}

int safeout_open_dir(safeout *so, const char *target, bool replace, char *err, size_t errsize)
{
    init(so);
    so->is_dir = true;
    /* "models/gpt2/" names the folder "models/gpt2". */
    char *bare = strdup(target);
    if (bare == NULL)
        return fail(err, errsize, "out of memory");
    for (size_t n = strlen(bare); n > 1 && bare[n - 1] == '/'; n--)
        bare[n - 1] = '\0';
    so->target = final_path(bare, err, errsize);
    free(bare);
    if (so->target == NULL)
        return -1;
    struct stat st;
    if (stat(so->target, &st) == 0) {
        so->existed = true;
        if (!S_ISDIR(st.st_mode)) {
            safeout_abort(so);
            return fail(err, errsize, "'%s' exists and is not a folder", target);
        }
        if (!replace) {
            safeout_abort(so);
            return fail(err, errsize, "'%s' exists (give --force to replace it)", target);
        }
        if (check_model_folder(so->target, err, errsize) != 0) {
            safeout_abort(so);
            return -1;
        }
        so->mode = st.st_mode & 07777;
    } else {
        so->mode = default_mode(0777);
    }
    return make_temp(so, target, err, errsize);
}

int safeout_dir_file(safeout *so, const char *name, char *err, size_t errsize)
{
    if (!so->is_dir || so->tmp == NULL || strchr(name, '/') || name[0] == '\0')
        return fail(err, errsize, "internal error: bad output file name '%s'", name);
    size_t size = strlen(so->tmp) + strlen(name) + 2;
    char *p = malloc(size);
    if (p == NULL)
        return fail(err, errsize, "out of memory");
    snprintf(p, size, "%s/%s", so->tmp, name);
    sigset_t old;
    block_signals(&old);
    int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    int e = errno;
    int slot = fd >= 0 ? reg_add(p, false) : -1;
    restore_signals(&old);
    if (fd < 0) {
        free(p);
        return fail(err, errsize, "cannot create '%s': %s", name, strerror(e));
    }
    if (slot < 0) {
        close(fd);
        unlink(p);
        free(p);
        return fail(err, errsize, "too many output files");
    }
    return fd;
}

/* ---------------------------------------------------------------------- */
/* Commit and abort                                                        */
/* ---------------------------------------------------------------------- */

/* renameat2 with a flag, or -1 with errno EINVAL/ENOSYS when unavailable. */
static int rename_flags(const char *from, const char *to, unsigned flags)
{
#if defined(RENAME_NOREPLACE)
    return renameat2(AT_FDCWD, from, AT_FDCWD, to, flags);
#else
    (void)from, (void)to, (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1u << 0)
#define RENAME_EXCHANGE (1u << 1)
#endif

static bool unsupported(int e)
{
    return e == EINVAL || e == ENOSYS || e == ENOTSUP || e == EOPNOTSUPP;
}

/* Forgets every registered path under the temporary folder (after it moved). */
static void drop_all(safeout *so)
{
    size_t n = so->tmp ? strlen(so->tmp) : 0;
    for (int i = 0; i < SAFEOUT_MAX; i++) {
        char *p = reg[i].path;
        if (p && n && strncmp(p, so->tmp, n) == 0 && (p[n] == '/' || p[n] == '\0') &&
            i != so->slot)
            free(reg_drop(i));
    }
    if (so->slot >= 0)
        reg_drop(so->slot); /* == so->tmp, freed by the caller */
    so->slot = -1;
}

static int commit_dir(safeout *so, char *err, size_t errsize)
{
    if (chmod(so->tmp, so->mode) != 0)
        return fail(err, errsize, "cannot set the mode of '%s': %s", so->tmp, strerror(errno));
    if (!so->existed) {
        if (rename_flags(so->tmp, so->target, RENAME_NOREPLACE) == 0)
            return 0;
        if (!unsupported(errno))
            return fail(err, errsize, "cannot rename the new folder to '%s': %s", so->target,
                        strerror(errno));
        /* rename(2) onto an existing non-empty folder fails, so it cannot destroy one. */
        if (rename(so->tmp, so->target) == 0)
            return 0;
        return fail(err, errsize, "cannot rename the new folder to '%s': %s", so->target,
                    strerror(errno));
    }
    if (check_model_folder(so->target, err, errsize) != 0)
        return -1;
    if (rename_flags(so->tmp, so->target, RENAME_EXCHANGE) == 0) {
        remove_model_folder(so->tmp); /* the old folder is now at the temporary name */
        return 0;
    }
    if (!unsupported(errno))
        return fail(err, errsize, "cannot replace '%s': %s", so->target, strerror(errno));
    /* No atomic exchange: move the old folder aside, the new one in, delete the old. */
    size_t size = strlen(so->tmp) + 8;
    char *aside = malloc(size);
    if (aside == NULL)
        return fail(err, errsize, "out of memory");
    snprintf(aside, size, "%s.old", so->tmp);
    if (rename(so->target, aside) != 0) {
        int e = errno;
        free(aside);
        return fail(err, errsize, "cannot move '%s' aside: %s", so->target, strerror(e));
    }
    if (rename(so->tmp, so->target) != 0) {
        int e = errno;
        rename(aside, so->target); /* put the old one back */
        free(aside);
        return fail(err, errsize, "cannot rename the new folder to '%s': %s", so->target,
                    strerror(e));
    }
    remove_model_folder(aside);
    free(aside);
    return 0;
}

int safeout_commit(safeout *so, char *err, size_t errsize)
{
    int rc = 0;
    if (!so->direct && !so->is_dir &&
        (so->fd >= 0 ? fchmod(so->fd, so->mode) : chmod(so->tmp, so->mode)) != 0)
        rc = fail(err, errsize, "cannot set the mode of '%s': %s", so->tmp, strerror(errno));
    if (so->fd >= 0) {
        if (close(so->fd) != 0 && rc == 0)
            rc = fail(err, errsize, "cannot write '%s': %s", so->target, strerror(errno));
        so->fd = -1;
    }
    if (rc != 0 || so->direct) {
        if (rc != 0)
            safeout_abort(so);
        else {
            free(so->target);
            so->target = NULL;
        }
        return rc;
    }
    sigset_t old;
    block_signals(&old);
    committing = 1;
    if (so->is_dir) {
        rc = commit_dir(so, err, errsize);
    } else if (so->existed) {
        if (rename(so->tmp, so->target) != 0)
            rc = fail(err, errsize, "cannot rename the new file to '%s': %s", so->target,
                      strerror(errno));
    } else {
        /* Never replace a file that appeared meanwhile. */
        if (rename_flags(so->tmp, so->target, RENAME_NOREPLACE) != 0) {
            if (unsupported(errno) ? rename(so->tmp, so->target) != 0 : true)
                rc = fail(err, errsize, "cannot rename the new file to '%s': %s", so->target,
                          strerror(errno));
        }
    }
    if (rc == 0)
        drop_all(so);
    committing = 0;
    int held = held_signal;
    held_signal = 0;
    restore_signals(&old);
    if (rc != 0) {
        safeout_abort(so);
        if (held)
            on_signal(held);
        return rc;
    }
    free(so->tmp);
    so->tmp = NULL;
    free(so->target);
    so->target = NULL;
    if (held)
        on_signal(held); /* the output is complete; now end as the signal asked */
    return 0;
}

void safeout_abort(safeout *so)
{
    if (so->fd >= 0) {
        close(so->fd);
        so->fd = -1;
    }
    if (so->tmp) {
        size_t n = strlen(so->tmp);
        /* The folder's files first (newest first), then the temporary itself. */
        for (int i = SAFEOUT_MAX - 1; i >= 0; i--) {
            char *p = reg[i].path;
            if (p && i != so->slot && strncmp(p, so->tmp, n) == 0 && p[n] == '/') {
                unlink(p);
                free(reg_drop(i));
            }
        }
        if (so->is_dir)
            rmdir(so->tmp);
        else
            unlink(so->tmp);
        reg_drop(so->slot);
        free(so->tmp);
        so->tmp = NULL;
    }
    so->slot = -1;
    free(so->target);
    so->target = NULL;
}
