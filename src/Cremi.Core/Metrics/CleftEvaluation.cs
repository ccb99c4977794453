using Cremi.Core.Volumes;

namespace Cremi.Core.Metrics;

/// <summary>Scores a cleft prediction against the truth: voxel-wise counts and the CREMI distance metric.</summary>
/// <remarks>
/// <para>Labels: a voxel is a cleft when <see cref="CleftLabel.IsCleft"/> holds (ids are not compared, as in CREMI);
/// <see cref="CleftLabel.Background"/> and 0 are background (cremi_python treats only 0xFFFFFFFFFFFFFFFF as background
/// and would call a 0 a cleft; some files write 0 for background, so we do not). Truth voxels marked
/// <see cref="CleftLabel.Ignore"/> are scored nowhere: they are neither cleft nor counted background, a prediction
/// there is dropped, and for the distance fields they are plain non-cleft space, as in cremi_python.</para>
/// <para>Memory: no mask is allocated (the distance transform reads the labels directly) and one float32
/// buffer serves both distance fields in turn: 4 bytes per voxel (780 MB for a 125×1250×1250 CREMI volume) beyond the inputs.
/// The two transforms are skipped when either side has no cleft.</para>
/// <para>Sums run per z-section and are added in order, so results are deterministic whatever the thread count.</para>
/// </remarks>
public static class CleftEvaluation
{
    /// <summary>The CREMI challenge's distance threshold for FP/FN counts, in nm.</summary>
    public const double CremiThresholdNm = 200;

    /// <summary>
    /// Scores <paramref name="prediction"/> against <paramref name="truth"/> (same shape; distances use the truth's
    /// resolution). See <see cref="CremiDistances"/> for the values given when a side has no cleft.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ, or the truth's resolution is not positive.</exception>
    public static CleftMetrics Evaluate(Volume<ulong> truth, Volume<ulong> prediction, double thresholdNm = CremiThresholdNm)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(prediction);
        if (truth.Shape != prediction.Shape)
            throw new ArgumentException(
                $"truth is {truth.Shape} voxels but prediction is {prediction.Shape}: they must cover the same volume",
                nameof(prediction));
        if (!truth.Resolution.IsValid)
            throw new ArgumentException($"truth resolution {truth.Resolution} must be positive and finite", nameof(truth));
        if (!(thresholdNm >= 0)) throw new ArgumentOutOfRangeException(nameof(thresholdNm), "threshold must be >= 0 nm");

        var (voxels, ignored) = CountVoxels(truth.Data, prediction.Data, truth.Shape);
        return new CleftMetrics(voxels, Distances(truth, prediction, voxels, thresholdNm), ignored);
    }

    private static CremiDistances Distances(Volume<ulong> truth, Volume<ulong> prediction, VoxelConfusion voxels, double threshold)
    {
        var truthCount = voxels.TruthPositives;
        var predictedCount = voxels.PredictedPositives;
        if (truthCount == 0 || predictedCount == 0)
        {
            // The missing side is "farther than anything in the volume": its box diagonal (see CremiDistances).
            var r = truth.Resolution;
            var s = truth.Shape;
            var diagonal = Math.Sqrt(Square(s.Z * r.Z) + Square(s.Y * r.Y) + Square(s.X * r.X));
            return new CremiDistances(threshold,
                Adgt: predictedCount == 0 && truthCount > 0 ? diagonal : 0,
                Adf: truthCount == 0 && predictedCount > 0 ? diagonal : 0,
                FalsePositives: truthCount == 0 ? predictedCount : 0,
                FalseNegatives: predictedCount == 0 ? truthCount : 0,
                truthCount, predictedCount);
        }

        var shape = truth.Shape;
        // Predicted voxels measured against the truth's distance field (ADF, FP), then, in the same buffer, true
        // voxels against the prediction's (ADGT, FN).
        var distances = EuclideanDistanceTransform.Compute(new TruthClefts(truth.Data), shape, truth.Resolution);
        var (adfSum, fp) = SumOver(distances, new PredictedClefts(prediction.Data, truth.Data), shape, threshold);
        EuclideanDistanceTransform.Compute(new PredictedClefts(prediction.Data, truth.Data), shape, truth.Resolution, distances);
        var (adgtSum, fn) = SumOver(distances, new TruthClefts(truth.Data), shape, threshold);
        return new CremiDistances(threshold, adgtSum / truthCount, adfSum / predictedCount, fp, fn, truthCount, predictedCount);
    }

    /// <summary>Sum of the distances at the selected voxels and how many exceed the threshold.</summary>
    private static (double Sum, long Above) SumOver<TSelect>(float[] distances, TSelect select, Shape3 shape, double threshold)
        where TSelect : struct, IDistanceSource
    {
        var sums = new double[shape.Z];
        var above = new long[shape.Z];
        Parallel.For(0, shape.Z, z =>
        {
            var start = shape.Index(z, 0, 0);
            var end = start + shape.SectionSize;
            double sum = 0;
            long count = 0;
            for (var i = start; i < end; i++)
            {
                if (!select.IsTarget(i)) continue;
                double d = distances[i];
                sum += d;
                if (d > threshold) count++;
            }
            sums[z] = sum;
            above[z] = count;
        });
        double total = 0;
        foreach (var s in sums) total += s;
        return (total, above.Sum());
    }

    private static (VoxelConfusion Voxels, long Ignored) CountVoxels(ulong[] truth, ulong[] prediction, Shape3 shape)
    {
        var counts = new long[shape.Z, 5];
        Parallel.For(0, shape.Z, z =>
        {
            var start = shape.Index(z, 0, 0);
            var end = start + shape.SectionSize;
            long tp = 0, fp = 0, fn = 0, tn = 0, ignored = 0;
            for (var i = start; i < end; i++)
            {
                var t = truth[i];
                if (t == CleftLabel.Ignore) { ignored++; continue; }
                var isTrue = CleftLabel.IsCleft(t);
                var isPredicted = CleftLabel.IsCleft(prediction[i]);
                if (isTrue) { if (isPredicted) tp++; else fn++; }
                else if (isPredicted) fp++;
                else tn++;
            }
            counts[z, 0] = tp; counts[z, 1] = fp; counts[z, 2] = fn; counts[z, 3] = tn; counts[z, 4] = ignored;
        });
        var total = new long[5];
        for (var z = 0; z < shape.Z; z++)
        for (var k = 0; k < 5; k++) total[k] += counts[z, k];
        return (new VoxelConfusion(total[0], total[1], total[2], total[3]), total[4]);
    }

    private static double Square(double v) => v * v;
}
