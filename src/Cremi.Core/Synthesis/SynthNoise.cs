using System.Runtime.CompilerServices;

namespace Cremi.Core.Synthesis;

/// <summary>Counter-based hashing: every random value of a rendered voxel is a pure function of (seed, stream, coordinates),
/// so the output does not depend on the order in which threads visit voxels.</summary>
internal static class SynthHash
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9UL;
        x ^= x >> 27;
        x *= 0x94d049bb133111ebUL;
        x ^= x >> 31;
        return x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ulong seed, int a, int b, int c) =>
        Mix(seed ^ Mix(((ulong)(uint)a | ((ulong)(uint)b << 32)) + (ulong)(uint)c * 0x9E3779B97F4A7C15UL));

    /// <summary>Uniform in [-1, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Signed(ulong seed, int a, int b, int c) => (Hash(seed, a, b, c) >> 40) * (2f / (1 << 24)) - 1f;

    /// <summary>Approximately standard normal (Irwin-Hall of four 16-bit uniforms).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gaussian(ulong h)
    {
        var s = (h & 0xFFFF) + ((h >> 16) & 0xFFFF) + ((h >> 32) & 0xFFFF) + (h >> 48);
        return (s * (1f / 65536f) - 2f) * 1.7320508f;
    }

    /// <summary>Smooth 3D value noise in [-1, 1] at a point given in lattice units.</summary>
    public static float Value3(ulong seed, double x, double y, double z)
    {
        var fx = Math.Floor(x); var fy = Math.Floor(y); var fz = Math.Floor(z);
        int ix = (int)fx, iy = (int)fy, iz = (int)fz;
        var tx = Smooth((float)(x - fx)); var ty = Smooth((float)(y - fy)); var tz = Smooth((float)(z - fz));
        float L(int dx, int dy, int dz) => Signed(seed, ix + dx, iy + dy, iz + dz);
        var a = Lerp(Lerp(L(0, 0, 0), L(1, 0, 0), tx), Lerp(L(0, 1, 0), L(1, 1, 0), tx), ty);
        var b = Lerp(Lerp(L(0, 0, 1), L(1, 0, 1), tx), Lerp(L(0, 1, 1), L(1, 1, 1), tx), ty);
        return Lerp(a, b, tz);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Smooth(float t) => t * t * (3f - 2f * t);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Lerp(float a, float b, float t) => a + (b - a) * t;
}

/// <summary>SplitMix64 generator for building the world model (System.Random's sequence is not a documented contract).</summary>
internal sealed class SynthRng(ulong seed)
{
    private ulong _state = seed;

    public ulong NextULong() => SynthHash.Mix(_state += 0x9E3779B97F4A7C15UL);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    public int Int(int lo, int hiExclusive) => lo + (int)(NextDouble() * (hiExclusive - lo));

    public bool Chance(double p) => NextDouble() < p;

    public double Gaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Poisson-distributed count (Knuth for small means, normal approximation above).</summary>
    public int Poisson(double mean)
    {
        if (mean <= 0) return 0;
        if (mean > 30) return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * Gaussian()));
        var l = Math.Exp(-mean);
        var k = 0;
        var p = 1.0;
        do { k++; p *= NextDouble(); } while (p > l);
        return k - 1;
    }
}

/// <summary>One octave of 2D value noise for one section: hashed lattice values precomputed over the section's extent
/// (interpolated in z between lattice layers for continuity across sections), bilinearly sampled per pixel.</summary>
internal sealed class SectionLattice
{
    private readonly float[] _values;
    private readonly int _width;
    private readonly int _ox, _oy;
    private readonly float _inv;

    /// <param name="scalePx">lattice spacing in pixels</param>
    /// <param name="zScaleNm">lattice spacing in z, nm (values are smoothly interpolated between layers)</param>
    public SectionLattice(ulong seed, double zNm, float scalePx, double zScaleNm, int y0, int x0, int height, int width)
    {
        _inv = 1f / scalePx;
        _ox = (int)Math.Floor(x0 * _inv) - 1;
        _oy = (int)Math.Floor(y0 * _inv) - 1;
        _width = (int)Math.Ceiling(width * _inv) + 4;
        var rows = (int)Math.Ceiling(height * _inv) + 4;
        _values = new float[_width * rows];
        var fz = zNm / zScaleNm;
        var iz = (int)Math.Floor(fz);
        var tz = SynthHash.Smooth((float)(fz - iz));
        for (var r = 0; r < rows; r++)
        for (var c = 0; c < _width; c++)
        {
            var a = SynthHash.Signed(seed, _ox + c, _oy + r, iz);
            var b = SynthHash.Signed(seed, _ox + c, _oy + r, iz + 1);
            _values[r * _width + c] = SynthHash.Lerp(a, b, tz);
        }
    }

    /// <summary>Noise in [-1, 1] at world pixel (y, x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Sample(float y, float x)
    {
        var fx = x * _inv - _ox;
        var fy = y * _inv - _oy;
        var ix = (int)fx;
        var iy = (int)fy;
        var tx = SynthHash.Smooth(fx - ix);
        var ty = SynthHash.Smooth(fy - iy);
        var i = iy * _width + ix;
        var v = _values;
        var top = v[i] + (v[i + 1] - v[i]) * tx;
        var bottom = v[i + _width] + (v[i + _width + 1] - v[i + _width]) * tx;
        return top + (bottom - top) * ty;
    }
}
