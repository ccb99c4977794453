# Run with Debian's python3-torch: /usr/bin/python3 bench_train_pytorch.py [STEPS]; compare with `cremi bench train --steps STEPS`
# (both use oneDNN's best kernels; add ONEDNN_MAX_CPU_ISA=AVX DNNL_MAX_CPU_ISA=AVX to compare at the AVX cap used until 2026-11-26).
# PyTorch twin of `cremi bench train` defaults: unet f8, depth 4 (2 in-plane levels), group norm, residual blocks,
# batch 2 of 8x128x128, BCE(pos_weight 5)+Dice, AdamW, grad clip 1.0. Times steps 6..N (5 warm-up), like the bench.
import sys, time, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(2); torch.manual_seed(1)
f, steps = 8, int(sys.argv[1]) if len(sys.argv) > 1 else 60
class Block(nn.Module):
    def __init__(s, i, o, k):
        super().__init__(); p = tuple(x // 2 for x in k)
        s.conv1 = nn.Conv3d(i, o, k, padding=p, bias=False); s.norm1 = nn.GroupNorm(min(8, o), o)
        s.conv2 = nn.Conv3d(o, o, k, padding=p, bias=False); s.norm2 = nn.GroupNorm(min(8, o), o)
        s.shortcut = nn.Conv3d(i, o, 1, bias=False) if i != o else None
    def forward(s, x):
        y = F.relu(s.norm1(s.conv1(x))); y = s.norm2(s.conv2(y))
        return F.relu(y + (x if s.shortcut is None else s.shortcut(x)))
K = [(1,3,3), (1,3,3), (3,3,3), (3,3,3)]; P = [(1,2,2), (1,2,2), (2,2,2)]
class UNet(nn.Module):
    def __init__(s):
        super().__init__(); c = [f << i for i in range(4)]
        s.enc = nn.ModuleList([Block(1 if i == 0 else c[i-1], c[i], K[i]) for i in range(4)])
        s.up = nn.ModuleList([nn.ConvTranspose3d(c[i+1], c[i], P[i], stride=P[i]) for i in range(3)])
        s.dec = nn.ModuleList([Block(2*c[i], c[i], K[i]) for i in range(3)]); s.head = nn.Conv3d(c[0], 1, 1)
    def forward(s, x):
        skips = []
        for i, e in enumerate(s.enc):
            x = e(x)
            if i == 3: break
            skips.append(x); x = F.max_pool3d(x, P[i], P[i])
        for i in reversed(range(3)): x = s.dec[i](torch.cat([skips[i], s.up[i](x)], 1))
        return s.head(x)
m = UNet(); opt = torch.optim.AdamW(m.parameters(), 3e-3, weight_decay=1e-4); pw = torch.tensor(5.0)
x = torch.randn(2, 1, 8, 128, 128); t = (torch.rand(2, 1, 8, 128, 128) > 0.99).float()
times = []
for s in range(steps):
    a = time.perf_counter(); opt.zero_grad()
    o = m(x); p = torch.sigmoid(o)
    inter = (p * t).sum((1,2,3,4)); dice = 1 - (2 * inter + 1) / (p.sum((1,2,3,4)) + t.sum((1,2,3,4)) + 1)
    loss = F.binary_cross_entropy_with_logits(o, t, pos_weight=pw) + dice.mean()
    loss.backward(); nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step(); times.append(time.perf_counter() - a)
timed = times[5:]; print(f"pytorch {torch.__version__} params {sum(p.numel() for p in m.parameters())} step_s {sum(timed)/len(timed):.4f} median {sorted(timed)[len(timed)//2]:.4f}")
