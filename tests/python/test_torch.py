"""simdinit.torch as a drop-in for torch.nn.init: signatures, values (against
simdinit.numpy and the formulas), errors as torch raises them, dtypes,
layouts, autograd, seeding, init_module."""
import inspect
import math
import warnings

import numpy as np
import pytest
import torch
from scipy import stats

import simdinit
import simdinit.numpy as snp
import simdinit.torch as sinit

TORCH_FUNCS = ["uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_",
               "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
               "kaiming_normal_", "orthogonal_", "sparse_", "calculate_gain"]


def bits(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(np.uint16)
    return t.numpy()


@pytest.mark.parametrize("name", TORCH_FUNCS)
def test_signature_starts_with_torchs(name):
    ours = list(inspect.signature(getattr(sinit, name)).parameters.values())
    theirs = list(inspect.signature(getattr(torch.nn.init, name)).parameters.values())
    for o, t in zip(ours, theirs):
        assert o.name == t.name, name
        assert o.default == t.default or (o.default is inspect.Parameter.empty and
                                          t.default is inspect.Parameter.empty), (name, o.name)


def test_every_torch_init_function_exists():
    public = [n for n in dir(torch.nn.init) if n.endswith("_") and not n.startswith("_")]
    missing = [n for n in public if not hasattr(sinit, n)]
    assert not missing


DT = [(torch.float32, "float32"), (torch.float64, "float64"), (torch.float16, "float16"),
      (torch.bfloat16, "bfloat16")]


@pytest.mark.parametrize("tdt,ndt", DT)
def test_values_equal_numpy_front_end(tdt, ndt):
    shape = (33, 17, 3)
    cases = [
        (lambda t: sinit.uniform_(t, -1, 3, seed=1, stream=2),
         lambda: snp.uniform(shape, -1, 3, dtype=ndt, seed=1, stream=2)),
        (lambda t: sinit.normal_(t, 0.5, 0.1, seed=1, stream=2),
         lambda: snp.normal(shape, 0.5, 0.1, dtype=ndt, seed=1, stream=2)),
        (lambda t: sinit.trunc_normal_(t, 0, 1, -0.5, 3, seed=1),
         lambda: snp.trunc_normal(shape, 0, 1, -0.5, 3, dtype=ndt, seed=1)),
        (lambda t: sinit.xavier_uniform_(t, gain=2, seed=1),
         lambda: snp.xavier_uniform(shape, gain=2, dtype=ndt, seed=1)),
        (lambda t: sinit.xavier_normal_(t, seed=1),
         lambda: snp.xavier_normal(shape, dtype=ndt, seed=1)),
        (lambda t: sinit.kaiming_uniform_(t, a=math.sqrt(5), seed=1),
         lambda: snp.torch_linear(shape, dtype=ndt, seed=1)),
        (lambda t: sinit.kaiming_normal_(t, mode="fan_out", nonlinearity="relu", seed=1),
         lambda: snp.kaiming_normal(shape, mode="fan_out", nonlinearity="relu", dtype=ndt,
                                    seed=1)),
        (lambda t: sinit.he_normal_(t, seed=1, layout="keras"),
         lambda: snp.he_normal(shape, dtype=ndt, seed=1, layout="keras")),
        (lambda t: sinit.constant_(t, 0.3), lambda: snp.constant(shape, 0.3, dtype=ndt)),
    ]
    for i, (ours, ref) in enumerate(cases):
        t = torch.empty(shape, dtype=tdt)
        assert ours(t) is t
        assert np.array_equal(bits(t), ref()), i


def test_kaiming_uniform_with_torch_defaults_is_the_formula():
    t = sinit.kaiming_uniform_(torch.empty(256, 1024), seed=3)
    bound = math.sqrt(3.0) * math.sqrt(2.0) / math.sqrt(1024)
    v = t.numpy().astype(np.float64)
    assert v.min() >= -bound and v.max() < bound
    assert stats.kstest(v.ravel(), stats.uniform(-bound, 2 * bound).cdf).pvalue > 1e-4


@pytest.mark.parametrize("fn,args,dist", [
    (sinit.normal_, (0.1, 0.02), stats.norm(0.1, 0.02)),
    (sinit.uniform_, (-2, 5), stats.uniform(-2, 7)),
    (sinit.trunc_normal_, (0, 1, -1, 2), stats.truncnorm(-1, 2)),
    (sinit.trunc_normal_, (0, 1, 2, 10), stats.truncnorm(2, 10)),
    # every proposal of the sampler (docs/STREAM.md §3.5): uniform, exponential,
    # mirrored, far tail, infinite ends
    (sinit.trunc_normal_, (0, 1, -0.1, 0.1), stats.truncnorm(-0.1, 0.1)),
    (sinit.trunc_normal_, (0, 1, 3, 4), stats.truncnorm(3, 4)),
    (sinit.trunc_normal_, (0, 1, 8, 9), stats.truncnorm(8, 9)),
    (sinit.trunc_normal_, (0, 1, -0.6, -0.5), stats.truncnorm(-0.6, -0.5)),
    (sinit.trunc_normal_, (2, 0.5, 4.5, math.inf), stats.truncnorm(5, math.inf, 2, 0.5)),
    (sinit.trunc_normal_, (0, 1, -math.inf, -3), stats.truncnorm(-math.inf, -3)),
    (sinit.xavier_normal_, (), stats.norm(0, math.sqrt(2 / (512 + 384)))),
])
def test_statistics(fn, args, dist):
    t = fn(torch.empty(384, 512, dtype=torch.float64), *args, seed=12)
    assert stats.kstest(t.numpy().ravel(), dist.cdf).pvalue > 1e-4


def test_calculate_gain_equals_torch():
    for nl in simdinit.NONLINEARITIES:
        assert sinit.calculate_gain(nl) == torch.nn.init.calculate_gain(nl), nl
        assert type(sinit.calculate_gain(nl)) is type(torch.nn.init.calculate_gain(nl)), nl
    for p in (0, 0.2, 3, 1e-3):
        assert (sinit.calculate_gain("leaky_relu", p) ==
                torch.nn.init.calculate_gain("leaky_relu", p))


BAD = [
    ("kaiming_uniform_", lambda m: m.kaiming_uniform_(torch.empty(5))),
    ("kaiming_normal_ mode", lambda m: m.kaiming_normal_(torch.empty(5, 4), mode="fan_avg")),
    ("kaiming nonlinearity", lambda m: m.kaiming_uniform_(torch.empty(5, 4), nonlinearity="gelu")),
    ("xavier 1-D", lambda m: m.xavier_uniform_(torch.empty(5))),
    ("uniform reversed", lambda m: m.uniform_(torch.empty(5), 2.0, 1.0)),
    ("normal negative std", lambda m: m.normal_(torch.empty(5), 0.0, -1.0)),
    ("gain", lambda m: m.calculate_gain("swish")),
    ("gain param", lambda m: m.calculate_gain("leaky_relu", "x")),
    ("eye 3-D", lambda m: m.eye_(torch.empty(2, 2, 2))),
    ("dirac 2-D", lambda m: m.dirac_(torch.empty(2, 2))),
    ("dirac groups", lambda m: m.dirac_(torch.empty(5, 2, 3), groups=2)),
]


@pytest.mark.parametrize("what,call", BAD, ids=[b[0] for b in BAD])
def test_errors_are_what_torch_raises(what, call):
    with pytest.raises(Exception) as theirs:
        call(torch.nn.init)
    with pytest.raises(simdinit.SimdinitError) as ours:
        call(sinit)
    assert isinstance(ours.value, type(theirs.value)), (what, theirs.value)


def test_errors_write_nothing():
    t = torch.full((6, 4), 5.0)
    for call in (lambda: sinit.trunc_normal_(t, 0, 1, 1, 1, seed=1),
                 lambda: sinit.normal_(t, float("inf"), seed=1),
                 lambda: sinit.uniform_(t, 0, 1, seed=-3),
                 lambda: sinit.xavier_uniform_(t, gain=0, seed=1),
                 lambda: sinit.normal_(t, seed=1, global_shape=(6, 3), offsets=(0, 0))):
        with pytest.raises(simdinit.SimdinitError):
            call()
        assert (t == 5.0).all()
    with pytest.raises(TypeError, match="float32"):
        sinit.normal_(torch.empty(3, dtype=torch.int64), seed=1)


def test_constant_on_integer_tensors_like_torch():
    t = torch.empty(4, dtype=torch.int32)
    assert (sinit.constant_(t, 3) == 3).all() and (sinit.zeros_(t) == 0).all()


def test_non_contiguous_gets_row_major_values():
    ref = sinit.normal_(torch.empty(7, 5), seed=9)
    t = torch.empty(5, 7).t()
    sinit.normal_(t, seed=9)
    assert torch.equal(t, ref)
    big = torch.zeros(14, 5)
    sinit.normal_(big[::2], seed=9)
    assert torch.equal(big[::2], ref) and not big[1::2].any()


def test_meta_is_a_noop_and_zero_element_warns_like_torch():
    m = torch.empty(3, 4, device="meta")
    assert sinit.normal_(m, seed=1) is m
    with pytest.warns(UserWarning, match="zero-element"):
        sinit.kaiming_uniform_(torch.empty(0, 4))


def test_autograd_sees_an_in_place_write():
    w = torch.empty(10, 10, requires_grad=True)
    v = w._version
    sinit.normal_(w, seed=1)
    assert w._version > v and w.grad_fn is None and w.requires_grad
    a = torch.randn(10, requires_grad=True)
    c = torch.randn(10)
    y = (a * c).sum()
    sinit.uniform_(c, seed=2)
    with pytest.raises(RuntimeError, match="modified by an inplace"):
        y.backward()
    # non-contiguous route too
    c2 = torch.randn(10, 2)[:, 0]
    y2 = (a * c2).sum()
    sinit.uniform_(c2, seed=2)
    with pytest.raises(RuntimeError, match="modified by an inplace"):
        y2.backward()


def test_seeding_from_torch_generators():
    torch.manual_seed(0)
    a = sinit.normal_(torch.empty(50))
    b = sinit.normal_(torch.empty(50))
    torch.manual_seed(0)
    assert torch.equal(sinit.normal_(torch.empty(50)), a)
    assert not torch.equal(a, b)
    g = torch.Generator().manual_seed(3)
    c = sinit.normal_(torch.empty(50), generator=g)
    g.manual_seed(3)
    assert torch.equal(sinit.normal_(torch.empty(50), generator=g), c)
    # explicit seed: independent of torch's state, stream 0 by default
    assert torch.equal(sinit.normal_(torch.empty(50), seed=4),
                       sinit.normal_(torch.empty(50), seed=4, stream=0))


def test_eye_and_dirac_equal_torch():
    for shape in ((3, 5), (5, 3), (4, 4)):
        assert torch.equal(sinit.eye_(torch.empty(shape)), torch.nn.init.eye_(torch.empty(shape)))
    for shape, g in (((6, 4, 3), 1), ((6, 2, 3, 5), 3), ((4, 4, 3, 3, 3), 2), ((8, 3, 4, 4), 2)):
        assert torch.equal(sinit.dirac_(torch.empty(shape), g),
                           torch.nn.init.dirac_(torch.empty(shape), g))


def test_orthogonal_is_orthogonal_and_haar_like_torchs():
    for shape in ((64, 64), (40, 100), (100, 40), (12, 3, 5, 5)):
        q = sinit.orthogonal_(torch.empty(shape, dtype=torch.float64), seed=3).reshape(shape[0], -1)
        g = q @ q.T if q.shape[0] <= q.shape[1] else q.T @ q
        assert (g - torch.eye(g.shape[0], dtype=torch.float64)).abs().max() < 1e-13
    ours = sinit.orthogonal_(torch.empty(96, 96, dtype=torch.float64), seed=1).numpy()
    torch.manual_seed(0)
    theirs = torch.nn.init.orthogonal_(torch.empty(96, 96, dtype=torch.float64)).numpy()
    assert stats.ks_2samp(ours.ravel(), theirs.ravel()).pvalue > 1e-4
    ph = lambda m: np.angle(np.linalg.eigvals(m))  # noqa: E731
    assert stats.ks_2samp(ph(ours), ph(theirs), method="asymp").pvalue > 1e-4
    assert stats.kstest(ph(ours), stats.uniform(-np.pi, 2 * np.pi).cdf).pvalue > 1e-4


def test_structured_equal_the_cli_and_numpy(cli_fill):
    t = sinit.orthogonal_(torch.empty(30, 2, 4), gain=2.0, seed=5, stream=1)
    ref = cli_fill("f32", "--scheme", "orthogonal", "--shape", "30,2,4", "--gain", 2.0,
                   "--seed", 5, "--stream", 1)
    assert np.array_equal(t.numpy(), ref)
    assert np.array_equal(snp.orthogonal((30, 2, 4), 2.0, seed=5, stream=1), ref)
    k = sinit.orthogonal_(torch.empty(6, 10), column_axis=-1, seed=5)
    assert np.array_equal(k.numpy(), cli_fill("f32", "--scheme", "orthogonal", "--shape", "6,10",
                                              "--layout", "keras", "--seed", 5))
    sp = sinit.sparse_(torch.empty(20, 7, dtype=torch.bfloat16), 0.3, std=0.5, seed=8)
    ref = cli_fill("bf16", "--scheme", "sparse", "--shape", "20,7", "--sparsity", 0.3,
                   "--std", 0.5, "--seed", 8)
    assert np.array_equal(bits(sp), ref)
    assert ((sp == 0).sum(0) == math.ceil(0.3 * 20)).all()
    d = sinit.delta_orthogonal_(torch.empty(3, 3, 4, 6), seed=2)
    assert np.array_equal(d.numpy(), cli_fill("f32", "--scheme", "delta_orthogonal",
                                              "--shape", "3,3,4,6", "--seed", 2))
    assert torch.equal(sinit.identity_(torch.empty(3, 5), 3.0), 3.0 * torch.eye(3, 5))


def test_structured_shards_are_slices_of_the_whole():
    full = sinit.orthogonal_(torch.empty(50, 31), seed=6)
    for dim in (0, 1):
        parts = [sinit.shard_of(sinit.orthogonal_, (50, 31), dim, seed=6, rank=r, world_size=3)
                 for r in range(3)]
        assert torch.equal(torch.cat(parts, dim), full)
    sp = sinit.sparse_(torch.empty(40, 9), 0.25, seed=1)
    part = sinit.sparse_(torch.empty(40, 3), 0.25, seed=1, global_shape=(40, 9),
                         offsets=(0, 3))
    assert torch.equal(part, sp[:, 3:6])


def test_structured_errors_and_seeding():
    for call in (lambda m: m.orthogonal_(torch.empty(5)),
                 lambda m: m.sparse_(torch.empty(5, 2, 2), 0.1)):
        with pytest.raises(Exception) as theirs:
            call(torch.nn.init)
        with pytest.raises(simdinit.SimdinitError) as ours:
            call(sinit)
        assert isinstance(ours.value, type(theirs.value))
    t = torch.full((6, 4), 7.0)
    for bad in (lambda: sinit.sparse_(t, 1.5, seed=1), lambda: sinit.sparse_(t, 0.5, std=-1),
                lambda: sinit.orthogonal_(t, gain=float("nan"), seed=1),
                lambda: sinit.dirac_(torch.full((4, 2, 3), 7.0), groups=3)):
        with pytest.raises(simdinit.SimdinitError):
            bad()
    assert (t == 7.0).all()
    torch.manual_seed(1)
    a = sinit.orthogonal_(torch.empty(8, 8))
    torch.manual_seed(1)
    assert torch.equal(sinit.orthogonal_(torch.empty(8, 8)), a)


def test_init_module_structured_rules():
    lstm = torch.nn.LSTM(8, 16)
    sinit.init_module(lstm, seed=4, rule={"weight_hh_*": {"init": "orthogonal", "gain": 1.0}})
    w = lstm.weight_hh_l0.detach()
    ref = sinit.orthogonal_(torch.empty(64, 16), seed=4,
                            stream=simdinit.stream_from_name("weight_hh_l0"))
    assert torch.equal(w, ref)
    with pytest.raises(simdinit.SimdinitError, match="weight_ih_l0"):
        sinit.init_module(lstm, seed=4, rule={"weight_ih_*": {"init": "sparse",
                                                              "sparsity": 2.0}})


def test_shard_of_equals_slice_of_full():
    full = sinit.kaiming_uniform_(torch.empty(50, 31), a=math.sqrt(5), seed=6)
    for dim in (0, 1):
        parts = [sinit.shard_of(sinit.kaiming_uniform_, (50, 31), dim, a=math.sqrt(5), seed=6,
                                rank=r, world_size=3) for r in range(3)]
        assert torch.equal(torch.cat(parts, dim), full)


# --- init_module ---------------------------------------------------------------

class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(50, 16, padding_idx=3)
        self.lin = torch.nn.Linear(16, 32)
        self.conv = torch.nn.Conv2d(3, 8, 3)
        self.convt = torch.nn.ConvTranspose1d(4, 6, 5)
        self.ln = torch.nn.LayerNorm(32)
        self.gn = torch.nn.GroupNorm(2, 8)
        self.bn = torch.nn.BatchNorm1d(8)
        self.mha = torch.nn.MultiheadAttention(16, 4, add_bias_kv=True)
        self.mha2 = torch.nn.MultiheadAttention(16, 2, kdim=8, vdim=12)
        self.lstm = torch.nn.LSTM(16, 24, num_layers=2)
        self.gru = torch.nn.GRU(8, 12, bidirectional=True)
        self.rnn = torch.nn.RNN(8, 10)


def test_init_module_default_schemes_match_torch_formulas():
    net = Net()
    net.bn.running_mean.fill_(3.0)
    sinit.init_module(net, seed=1)
    b = 1 / math.sqrt(16)
    assert net.lin.weight.abs().max() <= b and net.lin.bias.abs().max() <= b
    b = 1 / math.sqrt(3 * 9)
    assert net.conv.weight.abs().max() <= b and net.conv.bias.abs().max() <= b
    b = 1 / math.sqrt(6 * 5)   # ConvTranspose: fan_in from weight dim 1
    assert net.convt.weight.abs().max() <= b and net.convt.bias.abs().max() <= b
    assert (net.emb.weight[3] == 0).all()
    e = torch.cat([net.emb.weight[:3], net.emb.weight[4:]]).detach().numpy().ravel()
    assert stats.kstest(e, "norm").pvalue > 1e-4
    for m in (net.ln, net.gn, net.bn):
        assert (m.weight == 1).all() and (m.bias == 0).all()
    assert (net.bn.running_mean == 0).all() and (net.bn.running_var == 1).all()
    a = math.sqrt(6 / (16 + 48))
    assert net.mha.in_proj_weight.abs().max() <= a and (net.mha.in_proj_bias == 0).all()
    assert net.mha.out_proj.weight.abs().max() <= 1 / 4 and (net.mha.out_proj.bias == 0).all()
    assert net.mha2.k_proj_weight.abs().max() <= math.sqrt(6 / (8 + 16))
    for r, h in ((net.lstm, 24), (net.gru, 12), (net.rnn, 10)):
        for p in r.parameters():
            assert p.abs().max() <= 1 / math.sqrt(h)


def test_init_module_distribution_matches_torch_reset_parameters():
    torch.manual_seed(0)
    theirs = torch.nn.Linear(300, 400)
    ours = sinit.init_module(torch.nn.Linear(300, 400), seed=2)
    for p, q in ((ours.weight, theirs.weight), (ours.bias, theirs.bias)):
        r = stats.ks_2samp(p.detach().numpy().ravel(), q.detach().numpy().ravel())
        assert r.pvalue > 1e-4


def test_init_module_bits_depend_on_names_only():
    net = sinit.init_module(Net(), seed=7)
    alone = sinit.init_module(torch.nn.Linear(16, 32), seed=7, prefix="lin")
    assert torch.equal(alone.weight, net.lin.weight) and torch.equal(alone.bias, net.lin.bias)
    w = sinit.kaiming_uniform_(torch.empty(32, 16), a=math.sqrt(5), seed=7,
                               stream=simdinit.stream_from_name("lin.weight"))
    assert torch.equal(w, net.lin.weight)
    again = sinit.init_module(Net(), seed=7, threads=1)
    for (n, p), (_, q) in zip(net.named_parameters(), again.named_parameters()):
        assert torch.equal(p, q), n


def test_init_module_is_one_library_call(monkeypatch):
    calls = []
    real = sinit._lib.lib

    class Spy:
        def __getattr__(self, name):
            f = getattr(real, name)
            if name.startswith("simdinit_fill") or name == "simdinit_init_tensors":
                def wrapped(*a):
                    calls.append(name)
                    return f(*a)
                return wrapped
            return f

    monkeypatch.setattr(sinit._lib, "lib", Spy())
    sinit.init_module(Net(), seed=1)
    assert calls == ["simdinit_init_tensors"]


def test_init_module_rules_and_presets():
    net = Net()
    sinit.init_module(net, seed=1, rule={"lin.weight": {"dist": "normal", "std": 0.5},
                                         "conv.*": "zeros", "ln.weight": "skip"})
    assert abs(net.lin.weight.std().item() - 0.5) < 0.1
    assert (net.conv.weight == 0).all() and (net.conv.bias == 0).all()
    net2 = sinit.init_module(Net(), seed=1, preset="hf", initializer_range=0.01)
    assert net2.lin.weight.std().item() < 0.015 and (net2.lin.bias == 0).all()
    assert (net2.ln.weight == 1).all()
    seen = []
    sinit.init_module(torch.nn.Linear(4, 4), seed=1,
                      rule=lambda name, p, m: seen.append(name) or None)
    assert seen == ["weight", "bias"]


def test_init_module_refuses_unknown_parameters():
    class Custom(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = torch.nn.Parameter(torch.full((3,), 9.0))
            self.lin = torch.nn.Linear(3, 3)

    m = Custom()
    before = m.lin.weight.detach().clone()
    with pytest.raises(simdinit.SimdinitError, match="scale"):
        sinit.init_module(m, seed=1)
    assert torch.equal(m.lin.weight, before)   # nothing written
    sinit.init_module(m, seed=1, unknown="skip")
    assert (m.scale == 9.0).all() and not torch.equal(m.lin.weight, before)
    sinit.init_module(m, seed=1, rule={"scale": "ones"})
    assert (m.scale == 1).all()


def test_init_module_mixed_dtypes_and_noncontiguous():
    net = Net().to(torch.bfloat16)
    sinit.init_module(net, seed=3)
    ref = sinit.init_module(Net(), seed=3)
    w32 = snp.torch_linear((32, 16), seed=3, stream=simdinit.stream_from_name("lin.weight"),
                           dtype="bfloat16")
    assert np.array_equal(bits(net.lin.weight), w32)
    assert ref.lin.weight.dtype == torch.float32


def test_binding_overhead_smoke():
    # Not a timing test (benchmarks measure it): the tiny-tensor path works.
    t = torch.empty(4)
    for _ in range(100):
        sinit.uniform_(t, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sinit.normal_(torch.empty(2, 2), seed=1)


def test_init_module_tied_meta_and_scalar_edge_cases():
    class Tied(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.Embedding(20, 8)
            self.head = torch.nn.Linear(8, 20, bias=False)
            self.head.weight = self.emb.weight

    m = sinit.init_module(Tied(), seed=2)
    # initialized once, under its first name, with the Embedding's N(0, 1)
    ref = snp.normal((20, 8), seed=2, stream=simdinit.stream_from_name("emb.weight"))
    assert np.array_equal(m.head.weight.detach().numpy(), ref)
    meta = torch.nn.Linear(4, 4, device="meta")
    assert sinit.init_module(meta, seed=1) is meta
    s = torch.empty(())
    assert torch.equal(sinit.normal_(s, seed=4, global_shape=(), offsets=()),
                       sinit.normal_(torch.empty(()), seed=4))
    with pytest.raises(simdinit.SimdinitError):
        sinit.uniform_(torch.empty(0), 2.0, 1.0, seed=1)


def _read_safetensors(path):
    import json
    import struct
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    return header, data


def test_init_module_hf_preset_equals_the_model_writer(cli, tmp_path):
    """The model writer (`simdinit model`) and init_module name streams the same
    way: a module with the checkpoint's parameter names, initialized with
    preset="hf" and the same seed, holds the checkpoint's bytes."""
    import subprocess
    out = tmp_path / "ckpt"
    names = ["transformer.h.0.mlp.c_fc.weight", "transformer.h.0.mlp.c_fc.bias",
             "transformer.h.0.ln_1.weight", "transformer.h.0.ln_1.bias", "transformer.wpe.weight"]
    subprocess.run([cli, "model", "--preset", "gpt2", "--dtype", "f32", "--seed", "11",
                    "--only", ",".join(names), "--out", str(out), "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    files = sorted(out.glob("*.safetensors"))
    assert len(files) == 1
    header, data = _read_safetensors(files[0])
    assert sorted(k for k in header if k != "__metadata__") == sorted(names)

    class Conv1D(torch.nn.Module):   # transformers' GPT-2 Conv1D: weight (in, out)
        def __init__(self, nx, nf):
            super().__init__()
            self.weight = torch.nn.Parameter(torch.empty(nx, nf))
            self.bias = torch.nn.Parameter(torch.empty(nf))

    root = torch.nn.Module()
    root.transformer = torch.nn.Module()
    root.transformer.wpe = torch.nn.Embedding(1024, 768)
    block = torch.nn.Module()
    block.mlp = torch.nn.Module()
    block.mlp.c_fc = Conv1D(768, 3072)
    block.ln_1 = torch.nn.LayerNorm(768)
    root.transformer.h = torch.nn.ModuleList([block])
    sinit.init_module(root, seed=11, preset="hf", initializer_range=0.02)
    params = dict(root.named_parameters())
    for name in names:
        info = header[name]
        a, b = info["data_offsets"]
        got = np.frombuffer(data[a:b], dtype=np.float32).reshape(info["shape"])
        assert np.array_equal(got, params[name].detach().numpy()), name
