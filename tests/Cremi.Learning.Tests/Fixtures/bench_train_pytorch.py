# Run with Debian's python3-torch: /usr/bin/python3 bench_train_pytorch.py [STEPS]; compare with `cremi bench train --steps STEPS`
# (both use oneDNN's best kernels; add ONEDNN_MAX_CPU_ISA=AVX DNNL_MAX_CPU_ISA=AVX to compare at the AVX cap used until 2026-11-26).
# PyTorch twin of `cremi bench train` defaults: unet f8, depth 4 (2 in-plane levels), group norm, residual blocks,
# batch 2 of 8x128x128, BCE(pos_weight 5)+Dice, AdamW, grad clip 1.0. Times steps 6..N (5 warm-up), like the bench.
import sys, time, torch, torch.nn as nn, torch.nn.functional as F
from unet_pytorch import UNet  # beside this script
torch.set_num_threads(2); torch.manual_seed(1)
f, steps = 8, int(sys.argv[1]) if len(sys.argv) > 1 else 60
m = UNet(f); opt = torch.optim.AdamW(m.parameters(), 3e-3, weight_decay=1e-4); pw = torch.tensor(5.0)
x = torch.randn(2, 1, 8, 128, 128); t = (torch.rand(2, 1, 8, 128, 128) > 0.99).float()
times = []
for s in range(steps):
    a = time.perf_counter(); opt.zero_grad()
    o = m(x); p = torch.sigmoid(o)
    inter = (p * t).sum((1,2,3,4)); dice = 1 - (2 * inter + 1) / (p.sum((1,2,3,4)) + t.sum((1,2,3,4)) + 1)
    loss = F.binary_cross_entropy_with_logits(o, t, pos_weight=pw) + dice.mean()
    loss.backward(); nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step(); times.append(time.perf_counter() - a)
timed = times[5:]; print(f"pytorch {torch.__version__} params {sum(p.numel() for p in m.parameters())} step_s {sum(timed)/len(timed):.4f} median {sorted(timed)[len(timed)//2]:.4f}")
