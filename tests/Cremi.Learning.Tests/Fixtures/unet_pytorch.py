# Our default `unet` in PyTorch, for the PyTorch comparisons beside it (bench_train_pytorch.py, train_reference_pytorch.py):
# depth 4, two in-plane levels (1x3x3 kernels, 1x2x2 pooling) then 3D, group norm (8 groups), residual blocks, the
# state_dict names of ours. f8: 328,145 parameters, as `cremi` reports for the same spec.
import torch, torch.nn as nn, torch.nn.functional as F


class Block(nn.Module):  # relu(norm2(conv2(relu(norm1(conv1 x)))) + shortcut x), as our ConvBlock
    def __init__(s, i, o, k):
        super().__init__(); p = tuple(x // 2 for x in k)
        s.conv1 = nn.Conv3d(i, o, k, padding=p, bias=False); s.norm1 = nn.GroupNorm(min(8, o), o)
        s.conv2 = nn.Conv3d(o, o, k, padding=p, bias=False); s.norm2 = nn.GroupNorm(min(8, o), o)
        s.shortcut = nn.Conv3d(i, o, 1, bias=False) if i != o else None
    def forward(s, x):
        y = F.relu(s.norm1(s.conv1(x))); y = s.norm2(s.conv2(y))
        return F.relu(y + (x if s.shortcut is None else s.shortcut(x)))


K = [(1, 3, 3), (1, 3, 3), (3, 3, 3), (3, 3, 3)]; P = [(1, 2, 2), (1, 2, 2), (2, 2, 2)]
class UNet(nn.Module):
    def __init__(s, f=8):
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
