namespace Cremi.Learning.Devices;

/// <summary>
/// Which oneDNN CPU kernels a process uses, for logs and benchmark reports. oneDNN picks the machine's best instruction
/// set unless <c>ONEDNN_MAX_CPU_ISA</c> caps it. Training no longer needs a cap: its feature maps are channels-last,
/// where oneDNN's AVX2/AVX-512 gradients are right, and <see cref="Training.CpuGradientCheck"/> verifies that on the
/// machine itself before training, naming this variable as the remedy where they are not.
/// </summary>
public static class CpuKernels
{
    public const string IsaVariable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>The oneDNN ISA limit in force.</summary>
    public static string Description =>
        Environment.GetEnvironmentVariable(IsaVariable) is { Length: > 0 } user ? $"{user} (set by the user)" : "best available";
}
