using Cremi.Core.Volumes;

namespace Cremi.Core.Synthesis;

public sealed partial class SyntheticEmVolume
{
    private const int TileShift = 5; // 32-pixel tiles for object look-ups
    private const int RowBlock = 16;

    private enum ObjKind : byte { Mito, Vesicle, Contact, TBar }

    private struct RObj
    {
        public ObjKind Kind;
        public int A, B;          // host / pre, post
        public float Z, Y, X;     // centre, nm
        public float Az, Ay, Ax;  // mitochondrion axis
        public float By, Bx;      // mitochondrion in-plane cristae direction
        public float R, L;        // radius (in-plane for vesicles, contacts, T-bars), half length
        public float P1, P2;      // mitochondrion period/phase; contact psd depth/strength
        public float BandPre, BandPost;
        public ulong Id;
    }

    /// <summary>
    /// Renders sections z0 .. z0+depth-1 into <paramref name="raw"/> (uint8 EM) and <paramref name="clefts"/> (cleft ids,
    /// <see cref="CleftLabel.Background"/> elsewhere), both C order (z, y, x) of length depth·Y·X. Pass an empty
    /// <paramref name="clefts"/> span to skip labels. Independent of any other slab; parallel within each section.
    /// </summary>
    public void RenderSlab(int z0, int depth, Span<byte> raw, Span<ulong> clefts)
    {
        if (z0 < 0 || depth < 0 || z0 + depth > Shape.Z)
            throw new ArgumentOutOfRangeException(nameof(depth), $"sections {z0}..{z0 + depth - 1} leave volume {Shape}");
        var size = Shape.SectionSize;
        if (raw.Length != (long)depth * size)
            throw new ArgumentException($"raw holds {raw.Length} values, the slab {(long)depth * size}", nameof(raw));
        if (!clefts.IsEmpty && clefts.Length != (long)depth * size)
            throw new ArgumentException($"clefts holds {clefts.Length} values, the slab {(long)depth * size}", nameof(clefts));
        if (depth == 0) return;
        var image = new float[size];
        var rawSection = new byte[size];
        var labelSection = new ulong[size];
        for (var i = 0; i < depth; i++)
        {
            RenderSection(z0 + i, image, rawSection, labelSection);
            rawSection.CopyTo(raw.Slice(i * size, size));
            if (!clefts.IsEmpty) labelSection.CopyTo(clefts.Slice(i * size, size));
        }
    }

    /// <summary>Renders the whole volume (needs Z·Y·X·9 bytes; use <see cref="RenderSlab"/> for large volumes).</summary>
    public (Volume<byte> Raw, Volume<ulong> Clefts) RenderAll()
    {
        var raw = new Volume<byte>(Shape, Resolution);
        var clefts = new Volume<ulong>(Shape, Resolution);
        for (var z = 0; z < Shape.Z; z++) RenderSlab(z, 1, raw.Section(z), clefts.Section(z));
        return (raw, clefts);
    }

    private ParallelOptions Parallelism => new() { MaxDegreeOfParallelism = _o.MaxDegreeOfParallelism };

    private static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private void RenderSection(int z, float[] image, byte[] rawOut, ulong[] labelOut)
    {
        int height = Shape.Y, width = Shape.X;
        var info = _sections[z];
        int sy = info.ShiftY, sx = info.ShiftX;
        var pz = z * _zNm;

        // Coarse nodes: warp and exact label, then per coarse cell the candidate cells for its pixels.
        var noy = FloorDiv(sy, NodeStep) - 2; var nox = FloorDiv(sx, NodeStep) - 2;
        var nny = (height + NodeStep - 1) / NodeStep + 6; var nnx = (width + NodeStep - 1) / NodeStep + 6;
        var warpY = new float[nny * nnx]; var warpX = new float[nny * nnx]; var nodeLabel = new int[nny * nnx];
        Parallel.For(0, nny, Parallelism, i =>
        {
            for (var j = 0; j < nnx; j++)
            {
                var (wy, wx) = NodeWarp(z, noy + i, nox + j);
                var k = i * nnx + j;
                warpY[k] = wy; warpX[k] = wx;
                nodeLabel[k] = NearestCell(pz, (noy + i) * NodeStep * _yNm + wy, (nox + j) * NodeStep * _xNm + wx);
            }
        });
        var candidates = new int[nny * nnx * MaxCandidates];
        var candidateCount = new byte[nny * nnx];
        for (var i = 1; i < nny - 2; i++)
        for (var j = 1; j < nnx - 2; j++)
        {
            var baseIndex = (i * nnx + j) * MaxCandidates;
            var count = 0;
            for (var a = i - 1; a <= i + 2; a++)
            for (var b = j - 1; b <= j + 2; b++)
            {
                var label = nodeLabel[a * nnx + b];
                var seen = false;
                for (var c = 0; c < count && !seen; c++) seen = candidates[baseIndex + c] == label;
                if (!seen && count < MaxCandidates) candidates[baseIndex + count++] = label;
            }
            candidateCount[i * nnx + j] = (byte)count;
        }

        // Texture octaves (world pixel coordinates, so shifted sections show shifted texture).
        var tex1 = new SectionLattice(_seed ^ 0xB1, pz, 2.3f, 30, sy, sx, height, width);
        var tex2 = new SectionLattice(_seed ^ 0xB2, pz, 6.5f, 60, sy, sx, height, width);
        var tex3 = new SectionLattice(_seed ^ 0xB3, pz, 22f, 130, sy, sx, height, width);
        var memVar = new SectionLattice(_seed ^ 0xB4, pz, 28f, 140, sy, sx, height, width);
        var shade = new SectionLattice(_seed ^ 0xB5, pz, 160f, 600, sy, sx, height, width);

        var (objects, tileStart, tileItems, tilesX) = BinObjects(z, sy, sx, height, width);

        var h0Base = (float)_o.MembraneHalfWidthNm;
        var sigmaPre = (float)_o.NoiseSigma * 1.6f;
        var noiseSeed = _seed ^ 0xC0FFEE;
        var blocks = (height + RowBlock - 1) / RowBlock;
        Parallel.For(0, blocks, Parallelism, block =>
        {
            Span<float> f = stackalloc float[MaxCandidates];
            Span<float> gy = stackalloc float[MaxCandidates];
            Span<float> gx = stackalloc float[MaxCandidates];
            Span<float> gz = stackalloc float[MaxCandidates];
            Span<float> del = stackalloc float[MaxCandidates];
            var yEnd = Math.Min(height, (block + 1) * RowBlock);
            for (var y = block * RowBlock; y < yEnd; y++)
            {
                var yw = y + sy;
                var ci = (yw - noy * NodeStep) >> 3;
                var ty = ((yw - noy * NodeStep) & 7) / (float)NodeStep;
                var row = y * width;
                for (var x = 0; x < width; x++)
                {
                    var xw = x + sx;
                    var cj = (xw - nox * NodeStep) >> 3;
                    var tx = ((xw - nox * NodeStep) & 7) / (float)NodeStep;
                    var node = ci * nnx + cj;
                    var py = yw * _yNm + Bilinear(warpY[node], warpY[node + 1], warpY[node + nnx], warpY[node + nnx + 1], ty, tx);
                    var px = xw * _xNm + Bilinear(warpX[node], warpX[node + 1], warpX[node + nnx], warpX[node + nnx + 1], ty, tx);

                    var count = candidateCount[node];
                    var cbase = node * MaxCandidates;
                    var bi = 0;
                    for (var c = 0; c < count; c++)
                    {
                        f[c] = CellF(candidates[cbase + c], pz, py, px, out gz[c], out gy[c], out gx[c]);
                        if (f[c] < f[bi]) bi = c;
                    }
                    var cell = candidates[cbase + bi];

                    var mv = memVar.Sample(yw, xw);
                    var h0 = h0Base * (1 + 0.3f * mv);
                    var dark = 0f;
                    for (var c = 0; c < count; c++)
                    {
                        if (c == bi) { del[c] = 0; continue; }
                        var dgy = gy[c] - gy[bi]; var dgx = gx[c] - gx[bi];
                        var g = MathF.Sqrt(dgy * dgy + dgx * dgx) + 1e-6f;
                        var d = (f[c] - f[bi]) / g;
                        del[c] = d;
                        if (d < 80)
                        {
                            // A membrane crossing the 40 nm section obliquely projects wider and paler.
                            var tilt = MathF.Abs(gz[c] - gz[bi]) / g;
                            var spread = 0.5f * _zNm * tilt;
                            var h = MathF.Min(MathF.Sqrt(h0 * h0 + 0.66f * spread * spread), 45f);
                            var prof = (0.9f + 0.1f * mv) * (h0 / h) * MathF.Exp(-(d * d) / (h * h));
                            if (prof > dark) dark = prof;
                        }
                    }

                    var t1 = tex1.Sample(yw, xw); var t2 = tex2.Sample(yw, xw); var t3 = tex3.Sample(yw, xw);
                    var value = _cBase[cell] + _cTex[cell] * (14 * t1 + 10 * t2 + 8 * t3);
                    if (t1 > 0.45f) dark = MathF.Max(dark, (t1 - 0.45f) * 0.8f * _cTex[cell]); // granules
                    var label = CleftLabel.Background;

                    var tile = (y >> TileShift) * tilesX + (x >> TileShift);
                    var fy = yw * _yNm; var fx = xw * _xNm;
                    for (var k = tileStart[tile]; k < tileStart[tile + 1]; k++)
                    {
                        ref readonly var o = ref objects[tileItems[k]];
                        switch (o.Kind)
                        {
                            case ObjKind.Mito when o.A == cell:
                            {
                                float vz = pz - o.Z, vy = fy - o.Y, vx = fx - o.X;
                                var u = vz * o.Az + vy * o.Ay + vx * o.Ax;
                                var rho2 = MathF.Max(0, vz * vz + vy * vy + vx * vx - u * u);
                                var q = MathF.Sqrt(u * u / (o.L * o.L) + rho2 / (o.R * o.R));
                                if (q >= 1.05f) break;
                                var edge = (1 - q) * o.R; // nm inside the surface
                                var w = u + 0.9f * (vy * o.By + vx * o.Bx); // cristae: folded sheets, visible in any cut
                                var inner = 92 + 22 * MathF.Cos(6.2831853f * w / o.P1 + o.P2 + 2.5f * t3 + 0.8f * t2) + 8 * t2;
                                var cover = Math.Clamp(edge / 4 + 0.5f, 0, 1);
                                value += (inner - value) * cover;
                                var rim = 0.6f * MathF.Exp(-(edge - 2) * (edge - 2) / 5f) + 0.4f * MathF.Exp(-(edge - 9) * (edge - 9) / 5f);
                                if (rim > dark) dark = rim;
                                break;
                            }
                            case ObjKind.Vesicle when o.A == cell:
                            {
                                float vy = fy - o.Y, vx = fx - o.X;
                                var d = MathF.Sqrt(vy * vy + vx * vx);
                                if (d > o.R + 6) break;
                                if (d < o.R - 2) value += (200 - value) * 0.35f;
                                var rim = 0.62f * MathF.Exp(-(d - o.R) * (d - o.R) / 9f);
                                if (rim > dark) dark = rim;
                                break;
                            }
                            case ObjKind.Contact when o.A == cell || o.B == cell:
                            {
                                var partner = o.A == cell ? o.B : o.A;
                                var pi = -1;
                                for (var c = 0; c < count; c++) if (candidates[cbase + c] == partner) pi = c;
                                if (pi < 0) break;
                                var d = del[pi];
                                if (d > 45) break;
                                float vy = fy - o.Y, vx = fx - o.X;
                                var dc = MathF.Sqrt(vy * vy + vx * vx);
                                if (dc > o.R + 30) break;
                                var edge = Math.Clamp((o.R - dc) / 30 + 0.6f, 0, 1) * o.P2;
                                var hc = h0 + 5;
                                var cleft = 0.97f * MathF.Exp(-d * d / (hc * hc));
                                var side = cell == o.B ? o.P1 : o.P1 * 0.4f; // PSD on the post side
                                var psd = d < side ? (0.92f + 0.1f * t2) * MathF.Pow(1 - d / side, 0.6f) : 0;
                                var s = MathF.Max(cleft, psd) * edge;
                                if (s > dark) dark = s;
                                if (o.Id != 0 && dc <= o.R && d <= (cell == o.A ? o.BandPre : o.BandPost)) label = o.Id;
                                break;
                            }
                            case ObjKind.TBar when o.A == cell:
                            {
                                float vy = fy - o.Y, vx = fx - o.X;
                                var d2 = vy * vy + vx * vx;
                                if (d2 < o.R * o.R) dark = MathF.Max(dark, 0.9f * (1 - d2 / (o.R * o.R) * 0.4f));
                                break;
                            }
                        }
                    }

                    value += (25 - value) * MathF.Min(dark, 1f);
                    value += sigmaPre * SynthHash.Gaussian(SynthHash.Hash(noiseSeed, z, y, x));
                    image[row + x] = value;
                    labelOut[row + x] = label;
                }
            }
        });

        // Slight blur (3x3 binomial), section brightness/contrast, shading, shot-like noise, quantisation.
        var gain = _sectionGain[z]; var offset = _sectionOffset[z];
        var sigmaPost = (float)_o.NoiseSigma * 0.8f;
        var postSeed = _seed ^ 0xBEEF;
        Parallel.For(0, blocks, Parallelism, block =>
        {
            var yEnd = Math.Min(height, (block + 1) * RowBlock);
            for (var y = block * RowBlock; y < yEnd; y++)
            {
                var up = Math.Max(0, y - 1) * width; var mid = y * width; var down = Math.Min(height - 1, y + 1) * width;
                for (var x = 0; x < width; x++)
                {
                    var l = Math.Max(0, x - 1); var r = Math.Min(width - 1, x + 1);
                    var v = (image[up + l] + 2 * image[up + x] + image[up + r]
                           + 2 * (image[mid + l] + 2 * image[mid + x] + image[mid + r])
                           + image[down + l] + 2 * image[down + x] + image[down + r]) * (1f / 16);
                    var s = shade.Sample(y + sy, x + sx);
                    v = (v - 128) * gain + 128 + offset + 9 * s;
                    v += sigmaPost * MathF.Sqrt(MathF.Max(v, 8) / 150f) * SynthHash.Gaussian(SynthHash.Hash(postSeed, z, y, x));
                    rawOut[mid + x] = (byte)Math.Clamp((int)MathF.Round(v), 0, 255);
                }
            }
        });

        if (info.IsMissing)
        {
            var level = info.Defect == SectionDefect.MissingGrey ? 128f : 6f;
            var sigma = info.Defect == SectionDefect.MissingGrey ? 4f : 2f;
            for (var i = 0; i < rawOut.Length; i++)
                rawOut[i] = (byte)Math.Clamp((int)MathF.Round(level + sigma * SynthHash.Gaussian(SynthHash.Hash(postSeed ^ 0x77, z, i, 0))), 0, 255);
        }
    }

    /// <summary>The objects visible in section z and, per 32-pixel tile, the indices of those that may touch it (CSR).</summary>
    private (RObj[] Objects, int[] TileStart, int[] TileItems, int TilesX) BinObjects(int z, int sy, int sx, int height, int width)
    {
        var pz = z * _zNm;
        var list = new List<(RObj Obj, float Extent)>();
        foreach (var m in _mitos)
        {
            var ext = m.L + m.R;
            if (Math.Abs(m.Z - pz) < ext)
            {
                var angle = m.Phase * 1.7f;
                list.Add((new RObj
                {
                    Kind = ObjKind.Mito, A = m.Host, Z = m.Z, Y = m.Y, X = m.X, Az = m.Az, Ay = m.Ay, Ax = m.Ax,
                    By = MathF.Sin(angle), Bx = MathF.Cos(angle), R = m.R, L = m.L, P1 = m.Period, P2 = m.Phase,
                }, ext + 8));
            }
        }
        foreach (var v in _vesicles)
        {
            var dz = MathF.Max(0, MathF.Abs(v.Z - pz) - 0.25f * _zNm);
            if (dz >= v.R) continue;
            var r = MathF.Sqrt(v.R * v.R - dz * dz);
            if (r > 7) list.Add((new RObj { Kind = ObjKind.Vesicle, A = v.Host, Y = v.Y, X = v.X, R = r }, r + 8));
        }
        foreach (var c in _contacts)
        {
            var i = z - c.First;
            if (i < 0 || i >= c.SecY.Length) continue;
            list.Add((new RObj
            {
                Kind = ObjKind.Contact, A = c.Pre, B = c.Post, Y = c.SecY[i], X = c.SecX[i], R = c.SecR[i],
                P1 = c.Psd, P2 = c.Strength, BandPre = c.BandPre, BandPost = c.BandPost, Id = c.Id,
            }, c.SecR[i] + 40));
            if (c.Id == 0) continue;
            var tz = MathF.Abs(c.TZ - pz);
            if (tz < 50)
            {
                var r = 34 * MathF.Sqrt(1 - tz * tz / 2500);
                list.Add((new RObj { Kind = ObjKind.TBar, A = c.Pre, Y = c.TY, X = c.TX, R = r }, r + 4));
            }
        }

        var tilesY = (height + (1 << TileShift) - 1) >> TileShift;
        var tilesX = (width + (1 << TileShift) - 1) >> TileShift;
        var counts = new int[tilesY * tilesX + 1];
        var ranges = new (int Y0, int Y1, int X0, int X1)[list.Count];
        for (var k = 0; k < list.Count; k++)
        {
            var (o, ext) = list[k];
            var y0 = (int)Math.Floor((o.Y - ext) / _yNm) - sy; var y1 = (int)Math.Ceiling((o.Y + ext) / _yNm) - sy;
            var x0 = (int)Math.Floor((o.X - ext) / _xNm) - sx; var x1 = (int)Math.Ceiling((o.X + ext) / _xNm) - sx;
            if (y1 < 0 || x1 < 0 || y0 >= height || x0 >= width) { ranges[k] = (1, 0, 1, 0); continue; }
            ranges[k] = (Math.Max(0, y0) >> TileShift, Math.Min(height - 1, y1) >> TileShift, Math.Max(0, x0) >> TileShift, Math.Min(width - 1, x1) >> TileShift);
            for (var ty = ranges[k].Y0; ty <= ranges[k].Y1; ty++)
            for (var tx = ranges[k].X0; tx <= ranges[k].X1; tx++) counts[ty * tilesX + tx + 1]++;
        }
        for (var t = 1; t < counts.Length; t++) counts[t] += counts[t - 1];
        var items = new int[counts[^1]];
        var fill = (int[])counts.Clone();
        var objects = new RObj[list.Count];
        for (var k = 0; k < list.Count; k++)
        {
            objects[k] = list[k].Obj;
            for (var ty = ranges[k].Y0; ty <= ranges[k].Y1; ty++)
            for (var tx = ranges[k].X0; tx <= ranges[k].X1; tx++) items[fill[ty * tilesX + tx]++] = k;
        }
        return (objects, counts, items, tilesX);
    }
}
