using Cremi.Core.Augmentation;
using Cremi.Core.Sampling;
using Cremi.Core.Volumes;

namespace Cremi.Core.Training;

/// <summary>
/// Random augmented training windows from one or more volumes. Volumes are chosen in proportion to their size;
/// windows lie inside a volume wherever they fit and are padded by reflection where they do not (volumes with
/// fewer sections than the window). Rejection sampling as the CREMI leaders train: a window without any cleft
/// voxel is rejected with a given probability (0.95 by default), so rare clefts are seen often.
/// Deterministic for a seed; one instance per thread.
/// </summary>
public sealed class WindowBatchSource
{
    private readonly IReadOnlyList<TrainingVolume> _volumes;
    private readonly double[] _cumulative;
    private readonly Shape3 _window;
    private readonly double _rejectEmpty;
    private readonly Random _random;
    private readonly Augmenter _augmenter;

    public WindowBatchSource(IReadOnlyList<TrainingVolume> volumes, Shape3 window, AugmentationOptions augmentation,
        double rejectEmptyProbability, int seed)
    {
        if (volumes.Count == 0) throw new ArgumentException("no training volumes", nameof(volumes));
        if (rejectEmptyProbability is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(rejectEmptyProbability));
        _volumes = volumes;
        _window = window;
        _rejectEmpty = volumes.Any(v => v.CountCleftVoxels() > 0) ? rejectEmptyProbability : 0;
        _random = new Random(seed);
        _augmenter = new Augmenter(augmentation, seed ^ 0x5eed);
        var total = volumes.Sum(v => (double)v.Shape.Count);
        _cumulative = new double[volumes.Count];
        double running = 0;
        for (var i = 0; i < volumes.Count; i++) _cumulative[i] = running += volumes[i].Shape.Count / total;
    }

    /// <summary>Windows drawn, including rejected ones (rejections / draws is the price of rejection sampling).</summary>
    public long Draws { get; private set; }

    public TrainingBatch NextBatch(int size)
    {
        var images = new float[size * _window.Count];
        var classes = new byte[size * _window.Count];
        var withCleft = 0;
        for (var n = 0; n < size; n++)
        {
            var w = NextWindow();
            if (Array.IndexOf(w.Labels, VoxelClass.Cleft) >= 0) withCleft++;
            w.Image.CopyTo(images, n * _window.Count);
            w.Labels.CopyTo(classes, n * _window.Count);
        }
        return new TrainingBatch(size, _window, images, classes, withCleft);
    }

    public TrainingWindow NextWindow()
    {
        while (true)
        {
            Draws++;
            var volume = _volumes[PickVolume()];
            var window = new Window(Start(volume.Shape.Z, _window.Z), Start(volume.Shape.Y, _window.Y), Start(volume.Shape.X, _window.X), _window);
            TrainingWindow result;
            if (_augmenter.DrawAngle() is { } angle)
            {
                // Rejection looks at the rotated labels: what training would see.
                result = RotationAugment.Extract(volume.Image, volume.Classes, window, angle);
                if (Rejected(result.Labels)) continue;
            }
            else
            {
                var labels = WindowExtractor.Extract(volume.Classes, window);
                if (Rejected(labels)) continue;
                result = new TrainingWindow(_window, WindowExtractor.Extract(volume.Image, window), labels);
            }
            _augmenter.Apply(result);
            return result;
        }
    }

    private bool Rejected(byte[] labels) =>
        _rejectEmpty > 0 && Array.IndexOf(labels, VoxelClass.Cleft) < 0 && _random.NextDouble() < _rejectEmpty;

    private int PickVolume()
    {
        var u = _random.NextDouble();
        var i = Array.FindIndex(_cumulative, c => u < c);
        return i < 0 ? _volumes.Count - 1 : i;
    }

    private int Start(int length, int size) => RandomWindowSampler.UniformStart(_random, length, size);
}
