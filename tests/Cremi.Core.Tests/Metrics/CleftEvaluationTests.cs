using Cremi.Core.Metrics;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Metrics;

public class CleftEvaluationTests
{
    public static TheoryData<string> Cases => MetricFixtures.Names("metrics");

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Abs(expected) + 1e-12, $"{what}: {actual} vs reference {expected}");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Metrics_match_cremi_python_and_numpy_references(string name)
    {
        var c = MetricFixtures.Case("metrics", name);
        var resolution = MetricFixtures.SamplingOf(c);
        var truth = MetricFixtures.Labels(c, "truth", resolution);
        var prediction = MetricFixtures.Labels(c, "prediction", resolution);

        var m = CleftEvaluation.Evaluate(truth, prediction, c.GetProperty("threshold").GetDouble());

        Assert.Equal((long)MetricFixtures.Expected(c, "tp"), m.Voxels.TruePositives);
        Assert.Equal((long)MetricFixtures.Expected(c, "fp"), m.Voxels.FalsePositives);
        Assert.Equal((long)MetricFixtures.Expected(c, "fn"), m.Voxels.FalseNegatives);
        Assert.Equal((long)MetricFixtures.Expected(c, "tn"), m.Voxels.TrueNegatives);
        Assert.Equal((long)MetricFixtures.Expected(c, "ignored"), m.IgnoredVoxels);
        Close(MetricFixtures.Expected(c, "accuracy"), m.Voxels.Accuracy, "accuracy");
        Close(MetricFixtures.Expected(c, "precision"), m.Voxels.Precision, "precision");
        Close(MetricFixtures.Expected(c, "recall"), m.Voxels.Recall, "recall");
        Close(MetricFixtures.Expected(c, "f1"), m.Voxels.F1, "f1");
        Close(MetricFixtures.Expected(c, "iou"), m.Voxels.IoU, "iou");
        Assert.Equal((long)MetricFixtures.Expected(c, "true"), m.Cremi.TruthVoxels);
        Assert.Equal((long)MetricFixtures.Expected(c, "predicted"), m.Cremi.PredictedVoxels);
        Close(MetricFixtures.Expected(c, "adgt"), m.Cremi.Adgt, "adgt");
        Close(MetricFixtures.Expected(c, "adf"), m.Cremi.Adf, "adf");
        Assert.Equal((long)MetricFixtures.Expected(c, "fp_count"), m.Cremi.FalsePositives);
        Assert.Equal((long)MetricFixtures.Expected(c, "fn_count"), m.Cremi.FalseNegatives);
        Close(MetricFixtures.Expected(c, "cremi_score"), m.Cremi.Score, "cremi_score");
        Close(MetricFixtures.Expected(c, "cremi_f1"), m.Cremi.F1, "cremi_f1");
    }

    [Fact]
    public void Zero_labels_count_as_background_like_the_cremi_background_value()
    {
        var c = MetricFixtures.Case("metrics", "metrics_ignore");
        var truth = MetricFixtures.Labels(c, "truth", VoxelSize.Cremi);
        var prediction = MetricFixtures.Labels(c, "prediction", VoxelSize.Cremi);
        var zeroTruth = truth.With(truth.Data.Select(v => v == CleftLabel.Background ? 0UL : v).ToArray());
        var zeroPrediction = prediction.With(prediction.Data.Select(v => v == CleftLabel.Background ? 0UL : v).ToArray());

        Assert.Equal(CleftEvaluation.Evaluate(truth, prediction), CleftEvaluation.Evaluate(zeroTruth, zeroPrediction));
    }

    [Fact]
    public void A_perfect_prediction_scores_zero_distance_and_f1_one()
    {
        var truth = Volume(new Shape3(3, 8, 8), (1, 2, 2), (1, 2, 3), (2, 5, 5));

        var m = CleftEvaluation.Evaluate(truth, truth);

        Assert.Equal(3, m.Voxels.TruePositives);
        Assert.Equal(1.0, m.Voxels.F1);
        Assert.Equal(1.0, m.Voxels.IoU);
        Assert.Equal(0.0, m.Cremi.Score);
        Assert.Equal(1.0, m.Cremi.F1);
    }

    [Fact]
    public void Cleft_ids_are_not_compared_only_cleft_or_not()
    {
        var shape = new Shape3(2, 4, 4);
        var truth = Volume(shape, (0, 1, 1));
        var prediction = Volume(shape, (0, 1, 1));
        prediction[0, 1, 1] = 77;

        Assert.Equal(1.0, CleftEvaluation.Evaluate(truth, prediction).Voxels.F1);
    }

    [Fact]
    public void Distances_use_the_truth_resolution_in_nanometres()
    {
        var shape = new Shape3(4, 4, 4);
        var truth = Volume(shape, (0, 0, 0));
        var prediction = Volume(shape, (3, 0, 0));

        var m = CleftEvaluation.Evaluate(truth, prediction);

        Assert.Equal(120, m.Cremi.Adf, 4);
        Assert.Equal(120, m.Cremi.Adgt, 4);
        Assert.Equal(120, m.Cremi.Score, 4);
        Assert.Equal(0, m.Cremi.FalsePositives);
        Assert.Equal(1.0, m.Cremi.F1);
        Assert.Equal(0.0, m.Voxels.F1);
    }

    [Fact]
    public void Voxels_beyond_the_threshold_count_as_cremi_false_positives_and_negatives()
    {
        var shape = new Shape3(8, 2, 2);
        var truth = Volume(shape, (0, 0, 0), (1, 0, 0));
        var prediction = Volume(shape, (1, 0, 0), (7, 0, 0)); // 240 nm from the nearest true cleft

        var m = CleftEvaluation.Evaluate(truth, prediction);

        Assert.Equal(1, m.Cremi.FalsePositives);
        Assert.Equal(0, m.Cremi.FalseNegatives);
        Assert.Equal(0.5, m.Cremi.Precision);
        Assert.Equal(1.0, m.Cremi.Recall);
        Assert.Equal(2 * 0.5 / 1.5, m.Cremi.F1, 12);
        Assert.Equal(120, m.Cremi.Adf, 4);
        Assert.Equal(20, m.Cremi.Adgt, 4);
    }

    [Fact]
    public void Ignore_voxels_are_left_out_of_counts_and_distances()
    {
        var shape = new Shape3(3, 4, 4);
        var truth = Volume(shape, (0, 0, 0));
        truth[2, 3, 3] = CleftLabel.Ignore;
        var prediction = Volume(shape, (0, 0, 0), (2, 3, 3));

        var m = CleftEvaluation.Evaluate(truth, prediction);

        Assert.Equal(1, m.IgnoredVoxels);
        Assert.Equal(new VoxelConfusion(1, 0, 0, shape.Count - 2), m.Voxels);
        Assert.Equal(1, m.Cremi.PredictedVoxels);
        Assert.Equal(0.0, m.Cremi.Score);
    }

    [Fact]
    public void Both_sides_without_clefts_score_as_perfect_agreement()
    {
        var shape = new Shape3(2, 3, 3);
        var m = CleftEvaluation.Evaluate(Volume(shape), Volume(shape));

        Assert.Equal(new VoxelConfusion(0, 0, 0, 18), m.Voxels);
        Assert.Equal((1.0, 1.0, 1.0, 1.0, 1.0), (m.Voxels.Accuracy, m.Voxels.Precision, m.Voxels.Recall, m.Voxels.F1, m.Voxels.IoU));
        Assert.Equal((0.0, 0.0, 0L, 0L), (m.Cremi.Adgt, m.Cremi.Adf, m.Cremi.FalsePositives, m.Cremi.FalseNegatives));
        Assert.Equal((1.0, 1.0, 1.0), (m.Cremi.Precision, m.Cremi.Recall, m.Cremi.F1));
    }

    [Fact]
    public void An_empty_prediction_misses_every_true_cleft_at_the_volume_diagonal()
    {
        var shape = new Shape3(2, 3, 4);
        var m = CleftEvaluation.Evaluate(Volume(shape, (0, 1, 1), (1, 2, 2)), Volume(shape));
        var diagonal = Math.Sqrt(80 * 80 + 12 * 12 + 16 * 16);

        Assert.Equal(diagonal, m.Cremi.Adgt, 12);
        Assert.Equal(0, m.Cremi.Adf);
        Assert.Equal((0L, 2L), (m.Cremi.FalsePositives, m.Cremi.FalseNegatives));
        Assert.Equal(diagonal / 2, m.Cremi.Score, 12);
        Assert.Equal((0.0, 0.0, 0.0), (m.Cremi.Precision, m.Cremi.Recall, m.Cremi.F1));
        Assert.Equal((0.0, 0.0, 0.0), (m.Voxels.Precision, m.Voxels.Recall, m.Voxels.F1));
        Assert.True(double.IsFinite(m.Cremi.Score));
    }

    [Fact]
    public void A_prediction_where_the_truth_has_no_cleft_is_all_false_positives_at_the_volume_diagonal()
    {
        var shape = new Shape3(2, 3, 4);
        var m = CleftEvaluation.Evaluate(Volume(shape), Volume(shape, (1, 1, 1)));
        var diagonal = Math.Sqrt(80 * 80 + 12 * 12 + 16 * 16);

        Assert.Equal(diagonal, m.Cremi.Adf, 12);
        Assert.Equal(0, m.Cremi.Adgt);
        Assert.Equal((1L, 0L), (m.Cremi.FalsePositives, m.Cremi.FalseNegatives));
        Assert.Equal(0.0, m.Cremi.F1);
        Assert.Equal((0.0, 0.0), (m.Voxels.Precision, m.Voxels.Recall));
    }

    [Fact]
    public void Volumes_of_different_shapes_are_rejected_with_both_shapes_named()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            CleftEvaluation.Evaluate(Volume(new Shape3(2, 3, 4)), Volume(new Shape3(2, 4, 3))));

        Assert.Contains("2x3x4", e.Message);
        Assert.Contains("2x4x3", e.Message);
    }

    /// <summary>A CREMI-resolution label volume, background except cleft id 1 at the given voxels.</summary>
    private static Volume<ulong> Volume(Shape3 shape, params (int Z, int Y, int X)[] clefts)
    {
        var v = new Volume<ulong>(shape, Enumerable.Repeat(CleftLabel.Background, (int)shape.Count).ToArray(), VoxelSize.Cremi);
        foreach (var (z, y, x) in clefts) v[z, y, x] = 1;
        return v;
    }
}
