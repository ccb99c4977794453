#!/usr/bin/python3
"""Reference tensors for Cremi.Learning.Tests, made with Debian's python3-torch (1.13):

    /usr/bin/python3 tests/Cremi.Learning.Tests/Fixtures/make_fixtures.py          # (re)writes the fixtures here
    /usr/bin/python3 tests/Cremi.Learning.Tests/Fixtures/make_fixtures.py --verify EXPORTED.pth
        # checks that a state_dict exported by our C# code loads into the PyTorch seed network (filters 2) with
        # load_state_dict(strict=True) and gives the fixture's output

All arrays are float32 .npy files (C order), except seed_input.npy: uint8, the network input being that / 255
(float32 division, done the same way in C#), to keep the fixtures small. The seed network below is the Python tool's,
per shared/SEED.md, at 2 filters (88K parameters, 0.35 MB; 4 filters would be 1.4 MB).
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


class DoubleConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = nn.Conv3d(cin, cout, kernel_size=3, padding=1)
        self.norm1 = nn.InstanceNorm3d(cout)  # affine=False, track_running_stats=False: no state
        self.conv2 = nn.Conv3d(cout, cout, kernel_size=3, padding=1)
        self.norm2 = nn.InstanceNorm3d(cout)

    def forward(self, x):
        x = F.relu(self.norm1(self.conv1(x)))
        return F.relu(self.norm2(self.conv2(x)))


class Down(DoubleConv):
    def forward(self, x):
        return super().forward(F.max_pool3d(x, 2))


class Up(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.up = nn.ConvTranspose3d(cin, cin // 2, kernel_size=2, stride=2)
        self.conv = DoubleConv(cin, cin // 2)

    def forward(self, x, skip):
        return self.conv(torch.cat([skip, self.up(x)], dim=1))


class SeedUNet3D(nn.Module):
    def __init__(self, f=64):
        super().__init__()
        self.inc = nn.Conv3d(1, f, kernel_size=3, padding=1)
        self.down1, self.down2 = Down(f, 2 * f), Down(2 * f, 4 * f)
        self.down3, self.down4 = Down(4 * f, 8 * f), Down(8 * f, 16 * f)
        self.up1, self.up2, self.up3, self.up4 = Up(16 * f), Up(8 * f), Up(4 * f), Up(2 * f)
        self.outc = nn.Conv3d(f, 1, kernel_size=1)

    def forward(self, x):
        x1 = self.inc(x)
        x2 = self.down1(x1)
        x3 = self.down2(x2)
        x4 = self.down3(x3)
        x5 = self.down4(x4)
        x = self.up1(x5, x4)
        x = self.up2(x, x3)
        x = self.up3(x, x2)
        x = self.up4(x, x1)
        return torch.sigmoid(self.outc(x))


def save(name, tensor):
    np.save(os.path.join(HERE, name + ".npy"), tensor.detach().cpu().numpy().astype(np.float32))


def value_and_grad(loss_fn, x):
    x = x.detach().clone().requires_grad_(True)
    loss = loss_fn(x)
    loss.backward()
    return loss.detach(), x.grad


def soft_dice(p, t, smooth=1.0):
    dims = tuple(range(1, p.dim()))
    inter = (p * t).sum(dims)
    return (1 - (2 * inter + smooth) / (p.sum(dims) + t.sum(dims) + smooth)).mean()


def soft_iou(p, t, smooth=1.0):
    dims = tuple(range(1, p.dim()))
    inter = (p * t).sum(dims)
    return (1 - (inter + smooth) / (p.sum(dims) + t.sum(dims) - inter + smooth)).mean()


def balanced_mse(pred, target, clip=0.05):
    cleft = target > 0
    frac = min(max(cleft.double().mean().item(), clip), 1 - clip)
    w = torch.where(cleft, torch.tensor(0.5 / frac), torch.tensor(0.5 / (1 - frac))).float()
    return (w * (pred - target) ** 2).mean()


def top_k(per_voxel, percent):
    """nnU-Net's TopKLoss: the mean of the largest percent % of the per-voxel losses (floor of the count)."""
    n = per_voxel.numel()
    values, _ = torch.topk(per_voxel.view(-1), int(n * percent / 100), sorted=False)
    return values.mean()


def make_losses():
    torch.manual_seed(1)
    shape = (2, 1, 4, 6, 6)
    logits = torch.randn(shape) * 2
    target = (torch.rand(shape) < 0.2).float()
    pw = 3.0
    save("loss_logits", logits)
    save("loss_target", target)
    bce = lambda x: nn.BCEWithLogitsLoss(pos_weight=torch.tensor([pw]))(x, target)
    cases = {
        "bce_logits": (bce, logits),
        "bce_probs": (lambda p: F.binary_cross_entropy(p, target, weight=1 + (pw - 1) * target), torch.sigmoid(logits)),
        "dice": (lambda x: soft_dice(torch.sigmoid(x), target), logits),
        "iou": (lambda x: soft_iou(torch.sigmoid(x), target), logits),
        "combined": (lambda x: 0.5 * bce(x) + 0.3 * soft_dice(torch.sigmoid(x), target)
                     + 0.2 * soft_iou(torch.sigmoid(x), target), logits),
        "dice_probs": (lambda p: soft_dice(p, target), torch.sigmoid(logits)),
        "topk_logits": (lambda x: top_k(F.binary_cross_entropy_with_logits(
            x, target, pos_weight=torch.tensor([pw]), reduction="none"), 10), logits),
        "topk_probs": (lambda p: top_k(F.binary_cross_entropy(
            p, target, weight=1 + (pw - 1) * target, reduction="none"), 25), torch.sigmoid(logits)),
    }
    # the distance-regression case: a tanh-like target, positive on clefts; one with few clefts (clipped fraction)
    magnitude = torch.rand(shape) * 0.9 + 0.05
    dist_target = torch.where(target > 0, magnitude, -magnitude)
    rare = torch.zeros(shape)
    rare.view(-1)[[5, 77, 200]] = 1
    rare_target = torch.where(rare > 0, magnitude, -magnitude)
    prediction = torch.tanh(logits * 0.5)
    save("mse_prediction", prediction)
    save("mse_target", dist_target)
    save("mse_target_rare", rare_target)
    cases["balanced_mse"] = (lambda x: balanced_mse(x, dist_target), prediction)
    cases["balanced_mse_rare"] = (lambda x: balanced_mse(x, rare_target), prediction)
    for name, (fn, x) in cases.items():
        value, grad = value_and_grad(fn, x)
        save(name + "_value", value.reshape(1))
        save(name + "_grad", grad)


SEED_FILTERS = 2


def seed_input():
    raw = torch.from_numpy(np.load(os.path.join(HERE, "seed_input.npy")))
    return raw.float() / 255


def make_seed():
    torch.manual_seed(2)
    model = SeedUNet3D(SEED_FILTERS)
    keys = list(model.state_dict().keys())
    assert len(keys) == 44, len(keys)
    assert sum(p.numel() for p in SeedUNet3D(64).parameters()) == 90182017
    torch.save(model.state_dict(), os.path.join(HERE, f"seed_f{SEED_FILTERS}.pth"))
    np.save(os.path.join(HERE, "seed_input.npy"), torch.randint(0, 256, (1, 1, 16, 32, 32), dtype=torch.uint8).numpy())
    with torch.no_grad():
        y = model(seed_input())
    save("seed_output", y)
    with open(os.path.join(HERE, "seed_keys.txt"), "w") as f:
        f.write("\n".join(keys) + "\n")


def verify(path):
    state = torch.load(path)
    model = SeedUNet3D(SEED_FILTERS)
    model.load_state_dict(state, strict=True)
    with torch.no_grad():
        y = model(seed_input()).numpy()
    ref = np.load(os.path.join(HERE, "seed_output.npy"))
    print(f"{path}: {len(state)} keys loaded strictly; max |output - fixture| = {np.abs(y - ref).max():.3g}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--verify":
        verify(sys.argv[2])
    else:
        make_losses()
        make_seed()
