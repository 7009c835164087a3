"""Tensor-parallel init with torch.distributed (gloo, on this machine's
loopback): every rank initializes only its shard of a Linear weight and
bias (row and column splits, sizes that do not divide evenly), the shards
are gathered, and the result equals a single-process init bit for bit."""
import math
import os

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

import simdinit.torch as sinit

SHAPE = (37, 23)   # divisible by neither 2 nor 3


def worker(rank, world, init_file, out_dir):
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
    dist.init_process_group("gloo", init_method="file://" + init_file, rank=rank,
                            world_size=world)
    try:
        results = {}
        for dim in (0, 1):
            offs, local = sinit.shard(SHAPE, dim)          # rank, world from torch.distributed
            w = torch.empty(local)
            sinit.kaiming_uniform_(w, a=math.sqrt(5), seed=99, stream=1, global_shape=SHAPE,
                                   offsets=offs)
            b_local = (local[0],) if dim == 0 else SHAPE[:1]
            b = torch.empty(b_local)
            if dim == 0:   # row-parallel layers shard the bias with the rows
                sinit.scheme_(b, "torch_linear_bias", seed=99, stream=2, global_shape=SHAPE,
                              offset=offs[0])
            else:
                sinit.scheme_(b, "torch_linear_bias", seed=99, stream=2, global_shape=SHAPE)
            # all_gather needs equal sizes: pad to the largest chunk
            step = -(-SHAPE[dim] // world)
            pad_shape = list(SHAPE)
            pad_shape[dim] = step
            padded = torch.zeros(pad_shape)
            padded.narrow(dim, 0, local[dim]).copy_(w)
            parts = [torch.zeros(pad_shape) for _ in range(world)]
            dist.all_gather(parts, padded)
            pieces = []
            for r, p in enumerate(parts):
                n = min(SHAPE[dim], (r + 1) * step) - min(SHAPE[dim], r * step)
                pieces.append(p.narrow(dim, 0, max(0, n)))
            results["w%d" % dim] = torch.cat(pieces, dim)
            bp = torch.zeros(step) if dim == 0 else b
            if dim == 0:
                bp[:b.numel()] = b
                bparts = [torch.zeros(step) for _ in range(world)]
                dist.all_gather(bparts, bp)
                results["b0"] = torch.cat([p[:max(0, min(SHAPE[0], (r + 1) * step) -
                                                  min(SHAPE[0], r * step))]
                                           for r, p in enumerate(bparts)])
            else:
                results["b1"] = b
        # The module-level path: a Linear whose weight is this rank's row shard.
        offs, local = sinit.shard(SHAPE, 0)
        lin = torch.nn.Linear(SHAPE[1], local[0])
        sinit.kaiming_uniform_(lin.weight, a=math.sqrt(5), seed=99, stream=1,
                               global_shape=SHAPE, offsets=offs)
        results["lin%d" % rank] = lin.weight.detach().clone()
        if rank == 0:
            torch.save(results, os.path.join(out_dir, "gathered.pt"))
        else:
            torch.save({"lin%d" % rank: results["lin%d" % rank]},
                       os.path.join(out_dir, "rank%d.pt" % rank))
        dist.barrier()
    finally:
        dist.destroy_process_group()


@pytest.mark.parametrize("world", [2, 3])
def test_gathered_shards_equal_single_process(tmp_path, world):
    mp.start_processes(worker, args=(world, str(tmp_path / "store"), str(tmp_path)),
                       nprocs=world, join=True, start_method="spawn")
    got = torch.load(tmp_path / "gathered.pt")
    w = sinit.kaiming_uniform_(torch.empty(SHAPE), a=math.sqrt(5), seed=99, stream=1)
    b = sinit.scheme_(torch.empty(SHAPE[0]), "torch_linear_bias", seed=99, stream=2,
                      global_shape=SHAPE)
    assert torch.equal(got["w0"], w) and torch.equal(got["w1"], w)
    assert torch.equal(got["b0"], b) and torch.equal(got["b1"], b)
    lins = [got["lin0"]] + [torch.load(tmp_path / ("rank%d.pt" % r))["lin%d" % r]
                            for r in range(1, world)]
    assert torch.equal(torch.cat(lins, 0), w)
