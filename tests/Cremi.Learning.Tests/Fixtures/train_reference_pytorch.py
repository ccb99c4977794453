# The quality reference for `cremi train`: the same recipe in PyTorch, trained for the same wall time on the same
# volumes, so that our test F1 can be set against what PyTorch reaches on this machine (issue #3 quotes a compact PyTorch
# U-Net at F1 0.94 after 8 minutes on synthetic data; this measures it on ours).
#
#   cremi synth sN.hdf --shape 32,512,512 --seed N    (N = 1..4)
#   /usr/bin/python3 train_reference_pytorch.py DIR MINUTES [key=value ...]    (Debian's python3-torch, python3-h5py)
#
# Trains on DIR/s1.hdf, chooses the threshold on DIR/s3.hdf (the best voxel F1 on a 0.025 grid), prints the voxel F1 on
# s1 (training), s2 and s4 at that threshold as JSON. Twin of `cremi train s1.hdf --val s3.hdf --time-budget MINUTES`
# with the CPU defaults: unet f8, depth 4 (two in-plane levels of 1x3x3 kernels and 1x2x2 pooling, then 3D), group norm
# (8 groups), residual blocks, 328,145 parameters; batch 2 of 16x128x128; per-section robust standardisation; a window
# without clefts rejected with probability 0.95; flips on all axes, in-plane quarter turns, intensity jitter;
# BCE (pos_weight 5) + soft Dice; AdamW lr 3e-3, weight decay 1e-4, 50 warm-up steps, cosine decay to 5 % over the
# wall time; gradient clipping at 1.0. Not copied: validation epochs and model choice (the last weights are scored),
# min-size filtering, our loader's prefetching thread (PyTorch here samples on the training thread).
# Options: f (filters), b (batch), p (in-plane window), zw (sections), lr, posw, rej, seed.
import sys, time, math, json
import numpy as np, h5py, torch, torch.nn as nn, torch.nn.functional as F
from unet_pytorch import UNet  # beside this script

torch.set_num_threads(2)
folder, minutes = sys.argv[1], float(sys.argv[2])
kv = dict(a.split('=', 1) for a in sys.argv[3:])
F0, B, P, ZW = int(kv.get('f', 8)), int(kv.get('b', 2)), int(kv.get('p', 128)), int(kv.get('zw', 16))
LR, POSW, REJ, SEED = float(kv.get('lr', 3e-3)), float(kv.get('posw', 5)), float(kv.get('rej', 0.95)), int(kv.get('seed', 1))
torch.manual_seed(SEED); rng = np.random.default_rng(SEED)
NO_CLEFT = np.uint64(0xFFFFFFFFFFFFFFFE)  # ids at or above it: background (…FF) and ignore (…FE)


def load(seed):
    with h5py.File(f'{folder}/s{seed}.hdf', 'r') as f:
        raw = f['volumes/raw'][:].astype(np.float32); labels = f['volumes/labels/clefts'][:]
    for z in range(raw.shape[0]):  # (x - median) / ((p95 - p5) / 3.29) over the pixels other than 0 and 255
        v = raw[z][(raw[z] > 0) & (raw[z] < 255)]; v = v if v.size else raw[z].ravel()
        med, p5, p95 = np.percentile(v, [50, 5, 95]); raw[z] = (raw[z] - med) / max(p95 - p5, 16) * 3.29
    return raw, (labels < NO_CLEFT).astype(np.float32)


raw1, lab1 = load(1)
Z, Y, X = raw1.shape
net = UNet(F0)
print('parameters', sum(p.numel() for p in net.parameters()), flush=True)
opt = torch.optim.AdamW(net.parameters(), lr=LR, weight_decay=1e-4)


def sample():
    while True:
        z, y, x = rng.integers(0, Z - ZW + 1), rng.integers(0, Y - P + 1), rng.integers(0, X - P + 1)
        img, lab = raw1[None, z:z + ZW, y:y + P, x:x + P], lab1[None, z:z + ZW, y:y + P, x:x + P]
        if lab.any() or rng.random() > REJ: break
    for axis in (1, 2, 3):
        if rng.random() < 0.5: img, lab = np.flip(img, axis), np.flip(lab, axis)
    turns = rng.integers(4); img, lab = np.rot90(img, turns, (2, 3)), np.rot90(lab, turns, (2, 3))
    img = img * rng.uniform(0.8, 1.2) + rng.uniform(-0.2, 0.2)
    return np.ascontiguousarray(img), np.ascontiguousarray(lab)


start = time.time(); budget = minutes * 60; step = 0; losses = []
net.train()
while time.time() - start < budget:
    progress = (time.time() - start) / budget
    lr = LR * min(1.0, (step + 1) / 50) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))
    for group in opt.param_groups: group['lr'] = lr
    batch = [sample() for _ in range(B)]
    x = torch.from_numpy(np.stack([b[0] for b in batch])); t = torch.from_numpy(np.stack([b[1] for b in batch]))
    out = net(x); p = torch.sigmoid(out)
    dice = 1 - (2 * (p * t).sum((1, 2, 3, 4)) + 1) / (p.sum((1, 2, 3, 4)) + t.sum((1, 2, 3, 4)) + 1)
    loss = F.binary_cross_entropy_with_logits(out, t, pos_weight=torch.tensor(POSW)) + dice.mean()
    opt.zero_grad(); loss.backward(); nn.utils.clip_grad_norm_(net.parameters(), 1.0); opt.step()
    step += 1; losses.append(loss.item())
    if step % 50 == 0: print(f'step {step} {time.time() - start:.0f} s loss {np.mean(losses[-50:]):.4f} lr {lr:.2e}', flush=True)
seconds = time.time() - start
print(f'trained {step} steps in {seconds:.0f} s, {seconds / step:.3f} s a step', flush=True)


@torch.no_grad()
def predict(raw):  # all sections at once (a multiple of the z pooling), in-plane tiles of 256 with a 32-pixel margin
    net.eval(); out = np.zeros(raw.shape, np.float32); m, T = 32, 256
    padded = np.pad(raw, ((0, 0), (m, m), (m, m)), mode='reflect')
    for y in range(0, raw.shape[1], T):
        for x in range(0, raw.shape[2], T):
            tile = torch.from_numpy(np.ascontiguousarray(padded[None, None, :, y:y + T + 2 * m, x:x + T + 2 * m]))
            out[:, y:y + T, x:x + T] = torch.sigmoid(net(tile)).numpy()[0, 0, :, m:m + T, m:m + T]
    return out


def f1(prob, truth, threshold):
    predicted = prob > threshold; tp = (predicted & (truth > 0)).sum()
    return float(2 * tp / max(1, predicted.sum() + (truth > 0).sum()))


thresholds = np.arange(0.025, 0.99, 0.025)
raw3, lab3 = load(3); prob3 = predict(raw3); scores = [f1(prob3, lab3, t) for t in thresholds]
threshold = float(thresholds[int(np.argmax(scores))])
result = {'steps': step, 'seconds_per_step': round(seconds / step, 3), 'threshold': round(threshold, 3),
          'validation_f1_s3': round(max(scores), 3)}
for seed in (1, 2, 4):
    raw, lab = load(seed); result[f'f1_s{seed}'] = round(f1(predict(raw), lab, threshold), 3)
print(json.dumps(result), flush=True)
