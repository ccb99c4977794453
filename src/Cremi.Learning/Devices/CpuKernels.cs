using TorchSharp;

namespace Cremi.Learning.Devices;

/// <summary>
/// Which oneDNN CPU kernels a process uses. By default they are capped at AVX (<see cref="OneDnnWorkaround"/>), since
/// the faster AVX2/AVX-512 kernels compute wrong Conv3d gradients on some CPUs. Their forward passes are right, and
/// 2-3x faster, so a process that only runs networks forward (generate, test, bench infer) may lift the cap. oneDNN
/// chooses once per process, at its first convolution: call <see cref="UseFastestForInference"/> before any torch
/// work, and never train in that process afterwards (<see cref="RequireTrainingSafe"/> guards it).
/// </summary>
public static class CpuKernels
{
    /// <summary>True after <see cref="UseFastestForInference"/>: this process must not train on the CPU.</summary>
    public static bool InferenceOnly { get; private set; }

    /// <summary>The oneDNN ISA limit in force, for logs and benchmark reports.</summary>
    public static string Description =>
        OneDnnWorkaround.CappedByUs ? "AVX (capped for correct gradients)"
        : OneDnnWorkaround.LiftedByUs ? "best available (inference only)"
        : Environment.GetEnvironmentVariable(OneDnnWorkaround.Variable) is { Length: > 0 } user ? $"{user} (set by the user)"
        : "best available (inference only)";

    public static void UseFastestForInference()
    {
        OneDnnWorkaround.Lift();
        InferenceOnly = true;
    }

    /// <summary>Throws when CPU gradients of this process could be wrong (the cap was lifted for inference).</summary>
    public static void RequireTrainingSafe(TorchSharp.torch.Device device)
    {
        if (InferenceOnly && device.type == DeviceType.CPU)
            throw new InvalidOperationException(
                "this process lifted the oneDNN CPU kernel cap for inference (CpuKernels.UseFastestForInference); its float32 " +
                "conv3d gradients can be wrong, so it must not train on the CPU: train in a separate process");
    }
}
