using Cremi.Core.Preprocessing;

namespace Cremi.Core.Tests.Preprocessing;

public class PreprocessingSpecTests
{
    [Theory]
    [InlineData("seed")]
    [InlineData("clahe:2:8,minmax")]
    [InlineData("clahe:2.5:8x4,blur:5:1.5,minmax:section")]
    [InlineData("equalize,athresh:11:2:inv,meanstd")]
    [InlineData("minmax,meanstd")]
    [InlineData("clahe:2:8,robust")]
    public void A_spec_reads_back_from_the_string_it_writes(string text)
    {
        var spec = PreprocessingSpec.Parse(text);

        Assert.Equal(spec, PreprocessingSpec.Parse(spec.ToString()));
        Assert.Equal(text, spec.ToString());
    }

    [Fact]
    public void Parsing_is_lenient_about_case_spaces_and_square_grids()
    {
        var spec = PreprocessingSpec.Parse(" CLAHE:2.0:8x8 , MinMax ");

        Assert.Equal(new PreprocessingSpec(new ClaheStep(2, 8, 8), new MinMaxStep()), spec);
        Assert.Equal("clahe:2:8,minmax", spec.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("sharpen", "unknown preprocessing step 'sharpen'")]
    [InlineData("clahe:two:8,minmax", "clip limit 'two' is not a finite number")]
    [InlineData("clahe:2:0,minmax", "tile count '0' is not a positive integer")]
    [InlineData("clahe:2,minmax", "takes 2 argument(s), got 1")]
    [InlineData("blur:4:1,minmax", "kernel size '4' must be odd")]
    [InlineData("athresh:11:2:up,minmax", "expected 'inv', got 'up'")]
    [InlineData("seed,,minmax", "stray ','")]
    [InlineData("equalize", "end the pipeline with seed, robust, minmax or meanstd")]
    [InlineData("minmax,clahe:2:8,minmax", "'clahe:2:8' needs uint8 input")]
    [InlineData("meanstd,robust", "'robust' needs uint8 input")]
    [InlineData("robust:5", "takes 0 argument(s), got 1")]
    public void A_malformed_spec_fails_with_a_message_naming_the_problem(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => PreprocessingSpec.Parse(text));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void The_seed_spec_runs_the_seed_pipeline()
    {
        var input = OpenCvFixtures.Input;

        Assert.Equal(SeedPreprocessing.Apply(input).Data, PreprocessingSpec.Parse("seed").Apply(input).Data);
    }

    [Fact]
    public void Steps_run_in_order()
    {
        var input = OpenCvFixtures.Input;
        var expected = Normalization.MinMax(Clahe.Apply(input, 2, 8, 8), perSection: true);

        Assert.Equal(expected.Data, PreprocessingSpec.Parse("clahe:2:8,minmax:section").Apply(input).Data);
    }
}
