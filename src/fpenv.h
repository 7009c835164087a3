/*
 * The floating-point environment the value path runs in.
 *
 * Every value simdinit writes is defined under IEEE 754 defaults: round to
 * nearest-even, subnormals kept (no flush-to-zero, no denormals-are-zero),
 * IEEE half precision. A host may have changed that for its own code (engines
 * often set FTZ/DAZ; fesetround changes the rounding of every operation), and
 * the bits must not follow. So each public entry point that computes with
 * floats, and each worker task, runs between si_fpenv_enter and
 * si_fpenv_leave: the control state is set to the defaults (only when it
 * differs, so the common case is one register read) and put back afterwards.
 * The caller's exception flags are left as they are (the fill may add
 * "inexact" to them, as any arithmetic does); trapping is disabled inside.
 *
 *   x86-64:  MXCSR (SSE: what float and double arithmetic use on x86-64).
 *            0x1F80 = every exception masked, round to nearest, FTZ = DAZ = 0.
 *   AArch64: FPCR = 0 (round to nearest, FZ = FZ16 = DN = AHP = 0, no traps,
 *            and the FEAT_AFP bits FIZ/AH/NEP clear).
 *   other:   nothing (no such controls are used by the compiled code).
 */
#ifndef SIMDINIT_FPENV_H
#define SIMDINIT_FPENV_H

#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>   /* _mm_getcsr / _mm_setcsr: SSE, the x86-64 baseline */

#define SI_MXCSR_CONTROL 0xFFC0u   /* DAZ, exception masks, rounding, FZ */
#define SI_MXCSR_DEFAULT 0x1F80u

typedef struct si_fpenv {
    unsigned int saved;
    int changed;
} si_fpenv;

static inline void si_fpenv_enter(si_fpenv *e)
{
    unsigned int csr = _mm_getcsr();
    e->saved = csr;
    e->changed = (csr & SI_MXCSR_CONTROL) != SI_MXCSR_DEFAULT;
    if (e->changed)
        _mm_setcsr((csr & ~SI_MXCSR_CONTROL) | SI_MXCSR_DEFAULT);
}

static inline void si_fpenv_leave(const si_fpenv *e)
{
    if (e->changed)   /* the caller's controls, with the flags as they are now */
        _mm_setcsr((_mm_getcsr() & ~SI_MXCSR_CONTROL) | (e->saved & SI_MXCSR_CONTROL));
}

#elif defined(__aarch64__)

typedef struct si_fpenv {
    uint64_t saved;
    int changed;
} si_fpenv;

static inline void si_fpenv_enter(si_fpenv *e)
{
    uint64_t fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    e->saved = fpcr;
    e->changed = fpcr != 0;
    if (e->changed)
        __asm__ volatile("msr fpcr, %0" : : "r"((uint64_t)0) : "memory");
}

static inline void si_fpenv_leave(const si_fpenv *e)
{
    if (e->changed)
        __asm__ volatile("msr fpcr, %0" : : "r"(e->saved) : "memory");
}

#else

typedef struct si_fpenv {
    int unused;
} si_fpenv;

static inline void si_fpenv_enter(si_fpenv *e) { e->unused = 0; }
static inline void si_fpenv_leave(const si_fpenv *e) { (void)e; }

#endif

#endif /* SIMDINIT_FPENV_H */
