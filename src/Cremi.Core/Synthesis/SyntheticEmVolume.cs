using System.Runtime.CompilerServices;
using Cremi.Core.Volumes;

namespace Cremi.Core.Synthesis;

/// <summary>
/// A generator of CREMI-like serial-section TEM volumes (Drosophila neuropil, 40x4x4 nm) with synaptic cleft labels.
/// <para>
/// The constructor builds a compact world model (cell seeds of an anisotropic, domain-warped 3D power diagram,
/// mitochondria, vesicles, synapses, decoys, per-section defects: small lists, independent of the voxel count).
/// <see cref="RenderSlab"/> then renders any z-range on demand; each section is a pure function of the model and its
/// index, so slabs can be rendered in any order and split (an HDF5 file can be written slab by slab) and the bytes do
/// not depend on the thread count.
/// </para>
/// <para>
/// Defects follow CREMI: a missing section has a defective (near-uniform grey or black) raw slice while its cleft
/// labels are kept; a shifted section translates raw and labels together (annotators labelled the images as
/// acquired).
/// </para>
/// </summary>
public sealed partial class SyntheticEmVolume
{
    private const int NodeStep = 8; // coarse grid of warp/label nodes, in pixels
    private const int MaxCandidates = 8;

    private readonly SyntheticEmOptions _o;
    private readonly ulong _seed;
    private readonly float _zNm, _yNm, _xNm; // voxel size

    // Cell seeds, one per cell of a regular grid (jittered inside it).
    private readonly int _gz, _gy, _gx;
    private readonly double _oz, _oy, _ox, _sz, _sxy;
    private readonly float[] _cz, _cy, _cx, _az, _ay, _ax, _ck, _cw, _cBase, _cTex;

    // Objects, coordinates in nm in unshifted volume space (z = section * resolution z).
    private readonly List<Mito> _mitos = [];
    private readonly List<Vesicle> _vesicles = [];
    private readonly List<Contact> _contacts = []; // synapses (Id > 0) and decoys (Id == 0)
    private readonly List<SyntheticSynapse> _synapses = [];
    private readonly SectionInfo[] _sections;
    private readonly float[] _sectionGain, _sectionOffset;

    public SyntheticEmVolume(SyntheticEmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Shape.IsEmpty) throw new ArgumentException($"shape {options.Shape} is empty", nameof(options));
        if (!options.Resolution.IsValid) throw new ArgumentException("invalid resolution", nameof(options));
        _o = options;
        _seed = SynthHash.Mix((ulong)(uint)options.Seed + 0x5EED_0000_0000UL);
        _zNm = (float)options.Resolution.Z;
        _yNm = (float)options.Resolution.Y;
        _xNm = (float)options.Resolution.X;
        var rng = new SynthRng(_seed);

        // --- cells ---------------------------------------------------------------------------------------------
        _sz = options.CellSpacingZNm;
        _sxy = options.CellSpacingXyNm;
        var pad = options.MaxShiftPx * _yNm + 400;
        _oz = -2 * _sz;
        _oy = -2 * _sxy - pad;
        _ox = -2 * _sxy - pad;
        _gz = (int)Math.Ceiling((Shape.Z * _zNm + 4 * _sz) / _sz) + 1;
        _gy = (int)Math.Ceiling((Shape.Y * _yNm + 4 * _sxy + 2 * pad) / _sxy) + 1;
        _gx = (int)Math.Ceiling((Shape.X * _xNm + 4 * _sxy + 2 * pad) / _sxy) + 1;
        var n = _gz * _gy * _gx;
        _cz = new float[n]; _cy = new float[n]; _cx = new float[n];
        _az = new float[n]; _ay = new float[n]; _ax = new float[n];
        _ck = new float[n]; _cw = new float[n]; _cBase = new float[n]; _cTex = new float[n];
        for (var i = 0; i < n; i++)
        {
            var gx = i % _gx; var gy = i / _gx % _gy; var gz = i / (_gx * _gy);
            _cz[i] = (float)(_oz + (gz + rng.Uniform(0.05, 0.95)) * _sz);
            _cy[i] = (float)(_oy + (gy + rng.Uniform(0.05, 0.95)) * _sxy);
            _cx[i] = (float)(_ox + (gx + rng.Uniform(0.05, 0.95)) * _sxy);
            // Neurite axis: mostly through the sections, some running in the plane (longitudinal profiles).
            var tilt = rng.Chance(0.72) ? rng.Uniform(0, 0.6) : rng.Uniform(1.1, Math.PI / 2);
            var phi = rng.Uniform(0, 2 * Math.PI);
            _az[i] = (float)Math.Cos(tilt);
            _ay[i] = (float)(Math.Sin(tilt) * Math.Sin(phi));
            _ax[i] = (float)(Math.Sin(tilt) * Math.Cos(phi));
            var elong = tilt > 1 ? rng.Uniform(2.0, 4.5) : rng.Uniform(1.5, 3.5);
            _ck[i] = (float)(1 - 1 / (elong * elong));
            // Power weight: most cells thin axons, a few fat dendrites/boutons.
            var u = rng.NextDouble();
            _cw[i] = (float)(_sxy * (u < 0.12 ? rng.Uniform(0.35, 0.8) : rng.Uniform(-0.15, 0.2)));
            var dark = rng.Chance(options.DarkCellFraction);
            _cBase[i] = (float)(dark ? rng.Uniform(100, 122) : rng.Uniform(138, 172));
            _cTex[i] = (float)(dark ? rng.Uniform(1.3, 1.7) : rng.Uniform(0.7, 1.3));
        }

        var volumeUm3 = Shape.Z * _zNm * Shape.Y * _yNm * Shape.X * _xNm * 1e-9;

        // --- mitochondria --------------------------------------------------------------------------------------
        var mitoCount = rng.Poisson(options.MitochondriaPerCubicMicron * volumeUm3);
        for (var attempt = 0; attempt < mitoCount * 4 && _mitos.Count < mitoCount; attempt++)
        {
            var zs = rng.Uniform(-0.5, Shape.Z - 0.5);
            var zi = (int)Math.Round(zs);
            var y = rng.Uniform(0, Shape.Y); var x = rng.Uniform(0, Shape.X);
            var p = Probe(zi, (float)y, (float)x);
            var r = rng.Uniform(50, 125);
            if (p.Delta < r + 12) r = p.Delta - 12;
            if (r < 32) continue;
            var host = p.Best;
            // Along the neurite, slightly perturbed.
            var az = _az[host] + rng.Gaussian() * 0.15; var ay = _ay[host] + rng.Gaussian() * 0.15; var ax = _ax[host] + rng.Gaussian() * 0.15;
            var norm = Math.Sqrt(az * az + ay * ay + ax * ax);
            _mitos.Add(new Mito(host, (float)(zi * _zNm), (float)(y * _yNm), (float)(x * _xNm),
                (float)(az / norm), (float)(ay / norm), (float)(ax / norm), (float)r, (float)(r * rng.Uniform(1.4, 5.0)),
                (float)rng.Uniform(26, 40), (float)rng.Uniform(0, 6.3)));
        }

        // --- synapses ------------------------------------------------------------------------------------------
        var synCount = rng.Poisson(options.SynapsesPerCubicMicron * volumeUm3);
        for (var attempt = 0; attempt < synCount * 30 && _synapses.Count < synCount; attempt++)
            TryAddContact(rng, synapse: true);
        var decoys = (int)Math.Round(_synapses.Count * options.DecoysPerSynapse + (volumeUm3 < 1 ? rng.NextDouble() : 0));
        for (var attempt = 0; attempt < decoys * 20 && _contacts.Count - _synapses.Count < decoys; attempt++)
            TryAddContact(rng, synapse: false);
        var freeClouds = (int)Math.Round(_synapses.Count * options.FreeVesicleCloudsPerSynapse);
        for (var i = 0; i < freeClouds; i++) TryAddFreeCloud(rng);

        // --- sections ------------------------------------------------------------------------------------------
        _sections = new SectionInfo[Shape.Z];
        _sectionGain = new float[Shape.Z];
        _sectionOffset = new float[Shape.Z];
        for (var z = 0; z < Shape.Z; z++)
        {
            _sectionGain[z] = (float)Math.Clamp(1 + 0.07 * rng.Gaussian(), 0.8, 1.2);
            _sectionOffset[z] = (float)Math.Clamp(9 * rng.Gaussian(), -25, 25);
            var u = rng.NextDouble();
            if (u < options.MissingSectionRate)
                _sections[z] = new SectionInfo(rng.Chance(0.6) ? SectionDefect.MissingGrey : SectionDefect.MissingBlack, 0, 0);
            else if (u < options.MissingSectionRate + options.ShiftedSectionRate && options.MaxShiftPx > 0)
            {
                int sy, sx;
                do { sy = rng.Int(-options.MaxShiftPx, options.MaxShiftPx + 1); sx = rng.Int(-options.MaxShiftPx, options.MaxShiftPx + 1); }
                while (Math.Abs(sy) + Math.Abs(sx) < options.MaxShiftPx / 3 + 1);
                _sections[z] = new SectionInfo(SectionDefect.Shifted, sy, sx);
            }
        }
    }

    public SyntheticEmOptions Options => _o;
    public Shape3 Shape => _o.Shape;
    public VoxelSize Resolution => _o.Resolution;

    /// <summary>The synapses; cleft ids are 1..Count in this order.</summary>
    public IReadOnlyList<SyntheticSynapse> Synapses => _synapses;

    /// <summary>Per-section defects (index = z).</summary>
    public IReadOnlyList<SectionInfo> Sections => _sections;

    public int CellCount => _cz.Length;
    public int MitochondrionCount => _mitos.Count;
    public int VesicleCount => _vesicles.Count;

    /// <summary>Approximate bytes held by the world model (everything but per-render scratch buffers).</summary>
    public long ModelBytes =>
        _cz.Length * 10L * sizeof(float) + _mitos.Count * (long)Unsafe.SizeOf<Mito>() + _vesicles.Count * (long)Unsafe.SizeOf<Vesicle>()
        + _contacts.Sum(c => 96L + c.SecY.Length * 12L) + _sections.Length * 20L;

    // ===================================================================================================================
    // World model pieces

    private readonly record struct Mito(int Host, float Z, float Y, float X, float Az, float Ay, float Ax, float R, float L, float Period, float Phase);

    private readonly record struct Vesicle(int Host, float Z, float Y, float X, float R);

    /// <summary>A synapse (Id &gt; 0) or a decoy thickening (Id == 0) between cells Pre and Post over sections First..First+SecY.Length-1.</summary>
    private sealed record Contact(ulong Id, int Pre, int Post, int First, float[] SecY, float[] SecX, float[] SecR,
        float BandPre, float BandPost, float Psd, float TZ, float TY, float TX, float Strength);

    /// <summary>Result of evaluating the cell partition at a point: best cell, the nearest other cell, the in-plane
    /// distance (nm) to their border and the unit in-plane direction towards it, and the 3D gradient of f_other - f_best.</summary>
    private readonly record struct ProbeResult(int Best, int Other, float Delta, float DirY, float DirX, float Gz, float Gy, float Gx);

    // ===================================================================================================================
    // Geometry shared by construction and rendering (must stay bit-identical between both).

    /// <summary>Domain warp at a coarse node (world pixel (ny*8, nx*8) of section z), in nm.</summary>
    private (float Wy, float Wx) NodeWarp(int z, int ny, int nx)
    {
        double yn = ny * NodeStep * _yNm, xn = nx * NodeStep * _xNm, zn = z * _zNm;
        var wy = 120 * SynthHash.Value3(_seed ^ 0xA1, yn / 900, xn / 900, zn / 900) + 30 * SynthHash.Value3(_seed ^ 0xA2, yn / 190, xn / 190, zn / 220);
        var wx = 120 * SynthHash.Value3(_seed ^ 0xA3, yn / 900, xn / 900, zn / 900) + 30 * SynthHash.Value3(_seed ^ 0xA4, yn / 190, xn / 190, zn / 220);
        return (wy, wx);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Bilinear(float v00, float v01, float v10, float v11, float ty, float tx)
    {
        var top = v00 + (v01 - v00) * tx;
        var bottom = v10 + (v11 - v10) * tx;
        return top + (bottom - top) * ty;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float CellF(int c, float pz, float py, float px, out float gz, out float gy, out float gx)
    {
        var vz = pz - _cz[c]; var vy = py - _cy[c]; var vx = px - _cx[c];
        var k = _ck[c];
        var dot = vz * _az[c] + vy * _ay[c] + vx * _ax[c];
        // Additively weighted (Apollonius) distance under a per-cell anisotropic metric: curved, roundish profiles.
        var d = MathF.Sqrt(MathF.Max(vz * vz + vy * vy + vx * vx - k * dot * dot, 1e-6f));
        var s = 1 / d;
        gz = (vz - k * dot * _az[c]) * s;
        gy = (vy - k * dot * _ay[c]) * s;
        gx = (vx - k * dot * _ax[c]) * s;
        return d - _cw[c];
    }

    /// <summary>Best cell by exhaustive search of the seed grid neighbourhood of a warped point (nm).</summary>
    private int NearestCell(float pz, float py, float px)
    {
        var iz = (int)Math.Floor((pz - _oz) / _sz);
        var iy = (int)Math.Floor((py - _oy) / _sxy);
        var ix = (int)Math.Floor((px - _ox) / _sxy);
        var best = -1;
        var bestF = float.MaxValue;
        for (var z = Math.Max(0, iz - 1); z <= Math.Min(_gz - 1, iz + 1); z++)
        for (var y = Math.Max(0, iy - 2); y <= Math.Min(_gy - 1, iy + 2); y++)
        for (var x = Math.Max(0, ix - 2); x <= Math.Min(_gx - 1, ix + 2); x++)
        {
            var c = (z * _gy + y) * _gx + x;
            var vz = pz - _cz[c]; var vy = py - _cy[c]; var vx = px - _cx[c];
            var dot = vz * _az[c] + vy * _ay[c] + vx * _ax[c];
            var f = MathF.Sqrt(MathF.Max(vz * vz + vy * vy + vx * vx - _ck[c] * dot * dot, 1e-6f)) - _cw[c];
            if (f < bestF) { bestF = f; best = c; }
        }
        return best;
    }

    /// <summary>Warped position (nm) of world pixel (y, x) of section z, with the warp interpolated between coarse nodes.</summary>
    private (float Py, float Px) WarpedPoint(int z, float y, float x)
    {
        var ny = (int)Math.Floor(y / NodeStep); var nx = (int)Math.Floor(x / NodeStep);
        var ty = y / NodeStep - ny; var tx = x / NodeStep - nx;
        var a = NodeWarp(z, ny, nx); var b = NodeWarp(z, ny, nx + 1);
        var c = NodeWarp(z, ny + 1, nx); var d = NodeWarp(z, ny + 1, nx + 1);
        return (y * _yNm + Bilinear(a.Wy, b.Wy, c.Wy, d.Wy, ty, tx), x * _xNm + Bilinear(a.Wx, b.Wx, c.Wx, d.Wx, ty, tx));
    }

    /// <summary>Evaluates the partition at world pixel (y, x) (fractional) of section z.</summary>
    private ProbeResult Probe(int z, float y, float x)
    {
        var (py, px) = WarpedPoint(z, y, x);
        var pz = z * _zNm;
        var best = NearestCell(pz, py, px);
        var fb = CellF(best, pz, py, px, out var bz, out var by, out var bx);
        var iz = (int)Math.Floor((pz - _oz) / _sz);
        var iy = (int)Math.Floor((py - _oy) / _sxy);
        var ix = (int)Math.Floor((px - _ox) / _sxy);
        var result = new ProbeResult(best, -1, float.MaxValue, 0, 0, 0, 0, 0);
        for (var gz = Math.Max(0, iz - 1); gz <= Math.Min(_gz - 1, iz + 1); gz++)
        for (var gy = Math.Max(0, iy - 2); gy <= Math.Min(_gy - 1, iy + 2); gy++)
        for (var gx = Math.Max(0, ix - 2); gx <= Math.Min(_gx - 1, ix + 2); gx++)
        {
            var c = (gz * _gy + gy) * _gx + gx;
            if (c == best) continue;
            var f = CellF(c, pz, py, px, out var cz, out var cy, out var cx);
            var dgz = cz - bz; var dgy = cy - by; var dgx = cx - bx;
            var g = MathF.Sqrt(dgy * dgy + dgx * dgx) + 1e-6f;
            var delta = (f - fb) / g;
            if (delta < result.Delta)
                result = new ProbeResult(best, c, delta, -dgy / g, -dgx / g, dgz, dgy, dgx);
        }
        return result;
    }

    /// <summary>f_post - f_pre and its gradient at world pixel (y, x) of section z.</summary>
    private (float Diff, float Gz, float Gy, float Gx) PairDiff(int z, float y, float x, int pre, int post)
    {
        var (py, px) = WarpedPoint(z, y, x);
        var pz = z * _zNm;
        var fa = CellF(pre, pz, py, px, out var az, out var ay, out var ax);
        var fb = CellF(post, pz, py, px, out var bz, out var by, out var bx);
        return (fb - fa, bz - az, by - ay, bx - ax);
    }

    /// <summary>Moves (y, x) (pixels) onto the pre|post border of section z; false if it does not exist nearby.</summary>
    private bool ProjectOntoPair(int z, ref float y, ref float x, int pre, int post, float maxMoveNm)
    {
        float y0 = y, x0 = x;
        for (var it = 0; it < 6; it++)
        {
            var (d, _, gy, gx) = PairDiff(z, y, x, pre, post);
            var g2 = gy * gy + gx * gx + 1e-9f;
            y -= d * gy / g2 / _yNm;
            x -= d * gx / g2 / _xNm;
            var dy = (y - y0) * _yNm; var dx = (x - x0) * _xNm;
            if (dy * dy + dx * dx > maxMoveNm * maxMoveNm) return false;
        }
        var (dd, _, ggy, ggx) = PairDiff(z, y, x, pre, post);
        if (Math.Abs(dd) / (MathF.Sqrt(ggy * ggy + ggx * ggx) + 1e-6f) > 3) return false;
        if (y < 2 || x < 2 || y > Shape.Y - 3 || x > Shape.X - 3) return false;
        // The pair's border must be the visible border here (no third cell in between).
        var p = Probe(z, y, x);
        return (p.Best == pre && p.Other == post || p.Best == post && p.Other == pre) && p.Delta < 4;
    }

    private void TryAddContact(SynthRng rng, bool synapse)
    {
        var nsec = synapse ? rng.Int(2, 7) : rng.Int(1, 5);
        if (Shape.Z < nsec) return;
        var first = rng.Int(0, Shape.Z - nsec + 1);
        var mid = first + (nsec - 1) / 2;
        var radius = (float)rng.Uniform(105, 230);
        var margin = radius / _yNm * 0.3f + 10;
        if (Shape.Y <= 2 * margin || Shape.X <= 2 * margin) return;
        var y = (float)rng.Uniform(margin, Shape.Y - margin);
        var x = (float)rng.Uniform(margin, Shape.X - margin);
        var p = Probe(mid, y, x);
        if (p.Other < 0 || p.Delta > 400) return;
        var (pre, post) = rng.Chance(0.5) ? (p.Best, p.Other) : (p.Other, p.Best);
        if (!ProjectOntoPair(mid, ref y, ref x, pre, post, 420)) return;
        var cz = mid * _zNm; var cy = y * _yNm; var cx = x * _xNm;
        foreach (var other in _contacts)
        {
            var om = other.First + other.SecY.Length / 2;
            var ddz = om * _zNm - cz; var ddy = other.SecY[other.SecY.Length / 2] - cy; var ddx = other.SecX[other.SecX.Length / 2] - cx;
            if (ddz * ddz + ddy * ddy + ddx * ddx < 520f * 520f) return;
        }
        var secY = new float[nsec]; var secX = new float[nsec]; var secR = new float[nsec];
        for (var i = 0; i < nsec; i++)
        {
            float sy = y, sx = x;
            if (first + i != mid && !ProjectOntoPair(first + i, ref sy, ref sx, pre, post, 110)) return;
            secY[i] = sy * _yNm; secX[i] = sx * _xNm;
            var u = nsec == 1 ? 0 : (2.0 * i / (nsec - 1) - 1) * nsec / (nsec + 1.0);
            secR[i] = (float)(radius * Math.Sqrt(1 - 0.55 * u * u) * rng.Uniform(0.9, 1.1));
        }
        // Unit normal into the presynaptic cell (3D, nm space).
        var (_, gz, gy, gx) = PairDiff(mid, y, x, pre, post);
        var gn = MathF.Sqrt(gz * gz + gy * gy + gx * gx) + 1e-9f;
        float nz = gz / gn, ny = gy / gn, nx = gx / gn;
        if (!synapse)
        {
            _contacts.Add(new Contact(0, pre, post, first, secY, secX, secR, 0, 0, (float)rng.Uniform(12, 22), 0, 0, 0, (float)rng.Uniform(0.45, 0.8)));
            return;
        }
        var id = (ulong)_synapses.Count + 1;
        var cloudR = rng.Uniform(110, 190);
        var off = cloudR * 0.6 + 18;
        var cloud = (Z: cz + nz * off, Y: cy + ny * off, X: cx + nx * off);
        var count = AddVesicleCloud(rng, pre, cloud, cloudR, (cz, cy, cx, nz, ny, nx));
        _contacts.Add(new Contact(id, pre, post, first, secY, secX, secR,
            (float)rng.Uniform(7, 11), (float)rng.Uniform(9, 14), (float)rng.Uniform(22, 38),
            cz + nz * 32, cy + ny * 32, cx + nx * 32, (float)rng.Uniform(0.85, 1.0)));
        _synapses.Add(new SyntheticSynapse(id, pre, post, first, first + nsec - 1, cz, cy, cx,
            cloud.Z, cloud.Y, cloud.X, cloudR, count));
    }

    private int AddVesicleCloud(SynthRng rng, int host, (double Z, double Y, double X) c, double radius,
        (float Z, float Y, float X, float Nz, float Ny, float Nx) plane)
    {
        var target = rng.Poisson(0.42 * Math.Pow(radius / 19.0, 3));
        var start = _vesicles.Count;
        for (var attempt = 0; attempt < target * 12 && _vesicles.Count - start < target; attempt++)
        {
            var dz = rng.Uniform(-1, 1); var dy = rng.Uniform(-1, 1); var dx = rng.Uniform(-1, 1);
            if (dz * dz + dy * dy + dx * dx > 1) continue;
            var r = (float)rng.Uniform(15, 22);
            var v = new Vesicle(host, (float)(c.Z + dz * radius), (float)(c.Y + dy * radius), (float)(c.X + dx * radius), r);
            // Stay on the presynaptic side of the membrane.
            if ((v.Z - plane.Z) * plane.Nz + (v.Y - plane.Y) * plane.Ny + (v.X - plane.X) * plane.Nx < r + 14) continue;
            var clash = false;
            for (var j = start; j < _vesicles.Count && !clash; j++)
            {
                var o = _vesicles[j];
                float ez = o.Z - v.Z, ey = o.Y - v.Y, ex = o.X - v.X, m = o.R + v.R + 3;
                clash = ez * ez + ey * ey + ex * ex < m * m;
            }
            if (!clash) _vesicles.Add(v);
        }
        return _vesicles.Count - start;
    }

    private void TryAddFreeCloud(SynthRng rng)
    {
        var z = rng.Int(0, Shape.Z);
        var y = (float)rng.Uniform(0, Shape.Y); var x = (float)rng.Uniform(0, Shape.X);
        var p = Probe(z, y, x);
        if (p.Other < 0 || p.Delta > 600) return;
        // Border point, then into the host cell.
        var by = y + p.DirY * p.Delta / _yNm; var bx = x + p.DirX * p.Delta / _xNm;
        var gn = MathF.Sqrt(p.Gz * p.Gz + p.Gy * p.Gy + p.Gx * p.Gx) + 1e-9f;
        float nz = p.Gz / gn, ny = p.Gy / gn, nx = p.Gx / gn; // towards the best cell
        var radius = rng.Uniform(100, 170);
        var off = radius * 0.8 + 25;
        float cz = z * _zNm, cy = by * _yNm, cx = bx * _xNm;
        AddVesicleCloud(rng, p.Best, (cz + nz * off, cy + ny * off, cx + nx * off), radius, (cz, cy, cx, nz, ny, nx));
    }
}
