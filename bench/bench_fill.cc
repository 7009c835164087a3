// Google Benchmark suite: every distribution x dtype x usable backend at an
// in-L1 (16 KiB), in-L2 (512 KiB) and DRAM-sized (256 MiB) buffer, next to
// memset and a non-temporal AVX2 store loop on the same buffers (the write
// bandwidth a fill can at best reach). Bytes/s and items (elements)/s are
// reported for each. The library is reached only through the C shim.
//
//   build/bench/bench_fill [--benchmark_filter=REGEX] [--benchmark_repetitions=N]
//
// Buffers are allocated once per size (aligned_alloc 64) and pre-faulted, so
// page faults are never part of a measurement.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "shim.h"

namespace {

struct SizeSpec {
    const char *name;
    size_t bytes;
};

const SizeSpec kSizes[] = {
    {"16KiB", size_t(16) << 10},
    {"512KiB", size_t(512) << 10},
    {"256MiB", size_t(256) << 20},
};
constexpr int kNumSizes = sizeof(kSizes) / sizeof(kSizes[0]);

// One pre-faulted, 64-byte aligned buffer per size, made on first use.
void *Buffer(int size_index)
{
    static void *bufs[kNumSizes];
    if (!bufs[size_index]) {
        size_t bytes = kSizes[size_index].bytes;
        bufs[size_index] = std::aligned_alloc(64, bytes);
        if (!bufs[size_index]) {
            std::fprintf(stderr, "bench_fill: cannot allocate %zu bytes\n", bytes);
            std::exit(1);
        }
        std::memset(bufs[size_index], 1, bytes);  // fault every page in
    }
    return bufs[size_index];
}

void SetCounters(benchmark::State &state, size_t bytes, size_t elems)
{
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(bytes));
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(elems));
}

void BM_Fill(benchmark::State &state, int backend, int dist, int dtype, int size_index)
{
    void *buf = Buffer(size_index);
    const size_t bytes = kSizes[size_index].bytes;
    const size_t n = bytes / shim_dtype_size(dtype);
    if (shim_fill(backend, dist, dtype, buf, n) != 0) {
        state.SkipWithError("simdinit fill failed");
        return;
    }
    for (auto _ : state) {
        shim_fill(backend, dist, dtype, buf, n);
        benchmark::ClobberMemory();
    }
    SetCounters(state, bytes, n);
}

// The reference loops: elements counted as float32 (4 bytes) so items/s
// compares directly with the f32 fills.
void BM_Memset(benchmark::State &state, int size_index)
{
    void *buf = Buffer(size_index);
    const size_t bytes = kSizes[size_index].bytes;
    for (auto _ : state) {
        shim_memset(buf, bytes);
        benchmark::ClobberMemory();
    }
    SetCounters(state, bytes, bytes / 4);
}

void BM_NtStore(benchmark::State &state, int size_index)
{
    void *buf = Buffer(size_index);
    const size_t bytes = kSizes[size_index].bytes;
    if (!shim_nt_store_available())
        state.SetLabel("memset fallback (no AVX2 non-temporal loop)");
    for (auto _ : state) {
        shim_nt_store(buf, bytes);
        benchmark::ClobberMemory();
    }
    SetCounters(state, bytes, bytes / 4);
}

// Registers everything at static-initialization time, querying the library
// for the backends usable on this CPU.
int RegisterAll()
{
    for (int s = 0; s < kNumSizes; s++) {
        // Large buffers take ~10-100 ms a call: a fixed minimum time keeps the
        // run short while still averaging several calls.
        const double min_time = kSizes[s].bytes >= (size_t(64) << 20) ? 1.0 : 0.25;
        std::string sz = kSizes[s].name;
        benchmark::RegisterBenchmark(("memset/" + sz).c_str(), BM_Memset, s)
            ->MinTime(min_time)->UseRealTime();
        benchmark::RegisterBenchmark(("nt_store/" + sz).c_str(), BM_NtStore, s)
            ->MinTime(min_time)->UseRealTime();
        for (int d = 0; d < SHIM_DIST_COUNT; d++)
            for (int t = 0; t < SHIM_DTYPE_COUNT; t++)
                for (int b = SHIM_BACKEND_SCALAR; b < SHIM_BACKEND_COUNT; b++) {
                    if (!shim_backend_usable(b))
                        continue;
                    std::string name = std::string(shim_dist_name(d)) + "/" + shim_dtype_name(t) +
                                       "/" + shim_backend_name(b) + "/" + sz;
                    benchmark::RegisterBenchmark(name.c_str(), BM_Fill, b, d, t, s)
                        ->MinTime(min_time)->UseRealTime();
                }
    }
    return 0;
}

const int kRegistered = RegisterAll();

}  // namespace

BENCHMARK_MAIN();
