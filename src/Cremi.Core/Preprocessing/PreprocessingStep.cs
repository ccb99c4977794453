using System.Globalization;

namespace Cremi.Core.Preprocessing;

/// <summary>
/// One step of a <see cref="PreprocessingSpec"/>. Its <see cref="ToString"/> is the token that
/// <see cref="PreprocessingSpec.Parse"/> reads back, so a saved model can name the exact steps it was trained with.
/// </summary>
public abstract record PreprocessingStep
{
    /// <summary>True when the step turns the volume into floats; uint8-only steps cannot come after one.</summary>
    public abstract bool ProducesFloat { get; }

    /// <summary>True when the step needs uint8 input (the OpenCV operations and the seed pipeline).</summary>
    public abstract bool NeedsBytes { get; }

    public abstract override string ToString();

    internal static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>The seed tool's pipeline (<see cref="SeedPreprocessing"/>); uint8 to float [0, 1]. Token: <c>seed</c>.</summary>
public sealed record SeedStep : PreprocessingStep
{
    public override bool ProducesFloat => true;
    public override bool NeedsBytes => true;
    public override string ToString() => "seed";
}

/// <summary><see cref="HistogramEqualization"/> per section. Token: <c>equalize</c>.</summary>
public sealed record EqualizeHistStep : PreprocessingStep
{
    public override bool ProducesFloat => false;
    public override bool NeedsBytes => true;
    public override string ToString() => "equalize";
}

/// <summary><see cref="Preprocessing.Clahe"/> per section. Token: <c>clahe:CLIP:TILES</c> or <c>clahe:CLIP:TXxTY</c>.</summary>
public sealed record ClaheStep(double ClipLimit, int TilesX, int TilesY) : PreprocessingStep
{
    public override bool ProducesFloat => false;
    public override bool NeedsBytes => true;
    public override string ToString() =>
        $"clahe:{Number(ClipLimit)}:{(TilesX == TilesY ? $"{TilesX}" : $"{TilesX}x{TilesY}")}";
}

/// <summary><see cref="Preprocessing.GaussianBlur"/> per section. Token: <c>blur:KSIZE:SIGMA</c>.</summary>
public sealed record GaussianBlurStep(int KernelSize, double Sigma) : PreprocessingStep
{
    public override bool ProducesFloat => false;
    public override bool NeedsBytes => true;
    public override string ToString() => $"blur:{KernelSize}:{Number(Sigma)}";
}

/// <summary>
/// <see cref="AdaptiveThreshold"/> (Gaussian, maxValue 255) per section. Token: <c>athresh:BLOCK:C</c>, with
/// <c>:inv</c> appended for THRESH_BINARY_INV.
/// </summary>
public sealed record AdaptiveGaussianThresholdStep(int BlockSize, double C, bool Inverse = false) : PreprocessingStep
{
    public override bool ProducesFloat => false;
    public override bool NeedsBytes => true;
    public override string ToString() => $"athresh:{BlockSize}:{Number(C)}{(Inverse ? ":inv" : "")}";
}

/// <summary><see cref="Normalization.MinMax"/> to [0, 1]. Token: <c>minmax</c> (global) or <c>minmax:section</c>.</summary>
public sealed record MinMaxStep(bool PerSection = false) : PreprocessingStep
{
    public override bool ProducesFloat => true;
    public override bool NeedsBytes => false;
    public override string ToString() => PerSection ? "minmax:section" : "minmax";
}

/// <summary><see cref="Normalization.MeanStd"/> over the volume. Token: <c>meanstd</c>.</summary>
public sealed record MeanStdStep : PreprocessingStep
{
    public override bool ProducesFloat => true;
    public override bool NeedsBytes => false;
    public override string ToString() => "meanstd";
}

/// <summary><see cref="RobustNormalization"/> of each section (median, 5-95 % range; flat sections to 0). Token: <c>robust</c>.</summary>
public sealed record RobustStep : PreprocessingStep
{
    public override bool ProducesFloat => true;
    public override bool NeedsBytes => true;
    public override string ToString() => "robust";
}
