using TorchSharp;

namespace Cremi.Learning.Training;

/// <summary>
/// The number format of the training step's forward and backward passes. The weights, the optimizer, the loss and
/// every saved file stay float32 in all cases.
/// </summary>
public enum TrainingPrecision
{
    /// <summary>
    /// float32 everywhere for now: measured on an H100 (2026-11-26, unet f16, batch 8 of 16×128×128), bfloat16 steps
    /// took 0.111 s against 0.049 s in float32 with TF32 convolutions, and PyTorch 2.11's own autocast on the same
    /// network 0.101 s (0.039 s channels-last) against 0.034 s: at 16-128 channels cuDNN's 3D bfloat16 kernels lose
    /// to TF32. Auto will choose bfloat16 where a measurement shows it faster.
    /// </summary>
    Auto,

    /// <summary>float32 throughout (on CUDA with TF32 convolutions and matmuls, PyTorch's default for convolutions).</summary>
    Float32,

    /// <summary>
    /// Mixed precision: a bfloat16 working copy of the network (<see cref="MixedPrecisionReplica"/>), after
    /// <see cref="MixedPrecisionCheck"/> has found the device's bfloat16 kernels right for the network.
    /// </summary>
    BFloat16,
}

public static class TrainingPrecisions
{
    /// <summary>
    /// What <see cref="TrainingPrecision.Auto"/> means on <paramref name="device"/>: float32 on both kinds of device.
    /// CUDA: see <see cref="TrainingPrecision.Auto"/>. CPU: on this AVX-512 BF16 EPYC libtorch's bfloat16 step took
    /// 0.50 s against 0.32 s in float32 (unet f8, batch 2 of 8×128×128), and its best oneDNN bfloat16 kernels are wrong.
    /// </summary>
    public static TrainingPrecision Resolve(TrainingPrecision precision, torch.Device device) =>
        precision != TrainingPrecision.Auto ? precision : TrainingPrecision.Float32;

    /// <summary>Parses the CLI's spelling: auto, fp32 (float32) or bf16 (bfloat16).</summary>
    public static TrainingPrecision Parse(string text) =>
        TryParse(text, out var precision) ? precision : throw new FormatException(Problem(text));

    public static bool TryParse(string text, out TrainingPrecision precision)
    {
        TrainingPrecision? parsed = text.Trim().ToLowerInvariant() switch
        {
            "auto" => TrainingPrecision.Auto,
            "fp32" or "float32" => TrainingPrecision.Float32,
            "bf16" or "bfloat16" => TrainingPrecision.BFloat16,
            _ => null,
        };
        precision = parsed ?? TrainingPrecision.Auto;
        return parsed is not null;
    }

    /// <summary>The error for a spelling <see cref="TryParse"/> refuses.</summary>
    public static string Problem(string text) => $"--precision must be auto, fp32 or bf16, not '{text}'";

    public static string Name(TrainingPrecision precision) => precision switch
    {
        TrainingPrecision.Float32 => "fp32",
        TrainingPrecision.BFloat16 => "bf16",
        _ => "auto",
    };
}
