using Cremi.Core.Preprocessing;
using Cremi.Core.Synthesis;
using Cremi.Core.Volumes;

namespace Cremi.Core.Tests.Preprocessing;

public class RobustNormalizationTests
{
    [Fact]
    public void Percentiles_are_numpys_lower_method()
    {
        // np.percentile(np.arange(1, 101), [50, 5, 95], method='lower') == [50, 5, 95]
        var values = Enumerable.Range(1, 100).Select(i => (byte)i).ToArray();

        Assert.Equal((50, 5, 95), RobustNormalization.Percentiles(values));
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 7)]
    [InlineData(3, 1001)]
    [InlineData(4, 4096)]
    public void Percentiles_match_a_sort_of_the_values(int seed, int count)
    {
        var random = new Random(seed);
        var values = new byte[count];
        random.NextBytes(values);
        var counted = values.Where(v => v is not (0 or 255)).ToArray();
        var sorted = (counted.Length > 0 ? counted : values).Order().ToArray();
        var last = sorted.Length - 1L;

        var expected = (sorted[last / 2], sorted[(int)Math.Floor(0.05 * last)], sorted[(int)Math.Floor(0.95 * last)]);
        Assert.Equal(((int)expected.Item1, (int)expected.Item2, (int)expected.Item3), RobustNormalization.Percentiles(values));
    }

    [Fact]
    public void Zero_padding_and_saturated_pixels_do_not_count()
    {
        // Half the section is black padding, a few pixels are saturated: the statistics are the tissue's.
        var tissue = Enumerable.Range(0, 1000).Select(i => (byte)(50 + i % 100)).ToArray();
        var padded = tissue.Concat(new byte[1000]).Concat(Enumerable.Repeat((byte)255, 30)).ToArray();

        Assert.Equal(RobustNormalization.Percentiles(tissue), RobustNormalization.Percentiles(padded));
        Assert.Equal((0, 0, 0), RobustNormalization.Percentiles(new byte[64]));
        Assert.Equal((255, 0, 255), RobustNormalization.Percentiles([0, 0, 255, 255, 255]));
    }

    [Fact]
    public void A_section_is_centred_on_its_median_and_scaled_by_its_5_to_95_percent_range()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 64 * 64).Select(_ => (byte)random.Next(40, 200)).ToArray();
        var sorted = values.Order().ToArray();
        var last = values.Length - 1;
        double median = sorted[last / 2], low = sorted[last * 5 / 100], high = sorted[last * 95 / 100];
        var output = new float[values.Length];

        RobustNormalization.ApplySection(values, output, 64, 64);

        for (var i = 0; i < values.Length; i++)
            Assert.Equal((values[i] - median) / ((high - low) / 3.289707253902945), output[i], 5);
    }

    [Fact]
    public void A_flat_missing_section_becomes_zeros_not_amplified_noise()
    {
        var random = new Random(3);
        var grey = Enumerable.Range(0, 32 * 32).Select(_ => (byte)(128 + random.Next(-6, 7))).ToArray();
        var output = Enumerable.Repeat(5f, grey.Length).ToArray();

        RobustNormalization.ApplySection(grey, output, 32, 32);

        Assert.All(output, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void A_section_normalises_the_same_whatever_the_other_sections_hold()
    {
        // Why the step exists: a volume-wide mean/std changes with a black missing section elsewhere.
        var (raw, _) = new SyntheticEmVolume(new SyntheticEmOptions(new Shape3(3, 96, 96), 5) { MissingSectionRate = 0, ShiftedSectionRate = 0 }).RenderAll();
        var damaged = raw.With((byte[])raw.Data.Clone());
        damaged.Section(2).Fill(6);

        var before = RobustNormalization.Apply(raw);
        var after = RobustNormalization.Apply(damaged);

        Assert.Equal(before.Section(0).ToArray(), after.Section(0).ToArray());
        Assert.Equal(before.Section(1).ToArray(), after.Section(1).ToArray());
        Assert.All(after.Section(2).ToArray(), v => Assert.Equal(0f, v));
        var meanStdBefore = Normalization.MeanStd(raw).Section(0).ToArray();
        var meanStdAfter = Normalization.MeanStd(damaged).Section(0).ToArray();
        Assert.NotEqual(meanStdBefore, meanStdAfter);
    }

    [Fact]
    public void Section_brightness_and_contrast_changes_mostly_cancel()
    {
        var (raw, _) = new SyntheticEmVolume(new SyntheticEmOptions(new Shape3(1, 128, 128), 9) { MissingSectionRate = 0, ShiftedSectionRate = 0 }).RenderAll();
        var changed = raw.With(raw.Data.Select(v => (byte)Math.Clamp(Math.Round(v * 0.8 + 30), 0, 255)).ToArray());

        var a = RobustNormalization.Apply(raw).Data;
        var b = RobustNormalization.Apply(changed).Data;

        // Only the rounding to grey levels and the percentiles' quantisation differ: mean absolute change < 0.05 (of
        // values spread over about ±2), where the raw values moved by 20 % of their range.
        var change = a.Zip(b, (x, y) => Math.Abs(x - y)).Average();
        Assert.True(change < 0.05, $"mean change {change:F3}");
    }

    [Fact]
    public void The_spec_token_runs_the_step()
    {
        var (raw, _) = new SyntheticEmVolume(new SyntheticEmOptions(new Shape3(2, 64, 64), 2)).RenderAll();

        Assert.Equal(RobustNormalization.Apply(raw).Data, PreprocessingSpec.Parse("robust").Apply(raw).Data);
    }
}
