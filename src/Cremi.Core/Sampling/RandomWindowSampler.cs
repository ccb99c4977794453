using Cremi.Core.Volumes;

namespace Cremi.Core.Sampling;

/// <summary>
/// Random windows for training. Clefts are under 1% of voxels, so a chosen fraction of windows is centred on a
/// random cleft voxel (with a jitter of up to a quarter window, so the cleft is not always at the centre); the rest
/// are uniform over the volume and lie inside it wherever the window fits. A window centred on a cleft near a
/// border, or on an axis shorter than the window (volumes with few sections), reaches outside and is filled by
/// reflection when extracted, so thin volumes are padded rather than refused.
/// Deterministic for a given seed.
/// </summary>
public sealed class RandomWindowSampler
{
    private readonly Shape3 _volume;
    private readonly Shape3 _window;
    private readonly long[] _cleftVoxels;
    private readonly double _cleftFraction;
    private readonly Random _random;

    public RandomWindowSampler(Shape3 volume, Shape3 window, ReadOnlySpan<ulong> clefts, double cleftFraction, int seed)
    {
        if (cleftFraction is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(cleftFraction), "must be in [0, 1]");
        if (clefts.Length != 0 && clefts.Length != volume.Count)
            throw new ArgumentException($"{clefts.Length} labels do not match volume {volume}", nameof(clefts));
        _volume = volume;
        _window = window;
        _cleftFraction = cleftFraction;
        _random = new Random(seed);
        _cleftVoxels = CleftVoxelIndex(clefts);
    }

    /// <summary>Number of cleft voxels the biased windows are drawn from.</summary>
    public int CleftVoxelCount => _cleftVoxels.Length;

    public Window Next()
    {
        if (_cleftVoxels.Length > 0 && _random.NextDouble() < _cleftFraction)
        {
            var index = _cleftVoxels[_random.Next(_cleftVoxels.Length)];
            var x = (int)(index % _volume.X);
            var y = (int)(index / _volume.X % _volume.Y);
            var z = (int)(index / ((long)_volume.X * _volume.Y));
            return Window.CenteredAt(z + Jitter(_window.Z), y + Jitter(_window.Y), x + Jitter(_window.X), _window);
        }
        return new Window(Uniform(_volume.Z, _window.Z), Uniform(_volume.Y, _window.Y), Uniform(_volume.X, _window.X), _window);
    }

    private int Jitter(int size) => size < 4 ? 0 : _random.Next(-size / 4, size / 4 + 1);

    private int Uniform(int length, int size) => UniformStart(_random, length, size);

    /// <summary>A random start so the window lies inside when it fits, else centred with reflection on both sides.</summary>
    internal static int UniformStart(Random random, int length, int size) =>
        length >= size ? random.Next(0, length - size + 1) : -((size - length + 1) / 2);

    private static long[] CleftVoxelIndex(ReadOnlySpan<ulong> clefts)
    {
        var list = new List<long>();
        for (var i = 0; i < clefts.Length; i++)
            if (CleftLabel.IsCleft(clefts[i])) list.Add(i);
        return list.ToArray();
    }
}
