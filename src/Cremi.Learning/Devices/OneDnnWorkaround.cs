using System.Runtime.CompilerServices;

namespace Cremi.Learning.Devices;

/// <summary>
/// libtorch-cpu 2.10 (TorchSharp 0.107) computes wrong float32 Conv3d gradients (errors of 10-100 %, sometimes NaN,
/// changing with the contents of freed memory) with oneDNN's AVX2 and AVX-512 kernels on our build machines (AMD
/// EPYC): AVX-512 for most layers with 8-16 channels, AVX2 for layers with 1-4 channels and, now and then, at 1e-3 in
/// whole networks. With ONEDNN_MAX_CPU_ISA=AVX they match float64 to ~3e-7
/// (tests/Cremi.Learning.Tests/Conv3dGradientTests). Forward passes are right with every ISA.
/// oneDNN reads the variable at its first dispatch, so it is set in the native environment as soon as this assembly
/// loads, before any torch call. A value the user set is kept. .NET's Environment.SetEnvironmentVariable does not
/// reach the native environment on Linux, hence libc's setenv. CUDA is unaffected (cuDNN, not oneDNN).
/// </summary>
internal static class OneDnnWorkaround
{
    public const string Variable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>Set beside <see cref="Variable"/> when we set it, so that child processes can tell ours from the user's.</summary>
    public const string OwnerMarker = "CREMI_ONEDNN_CAP";

    /// <summary>True when this process runs with our AVX cap (not a value the user chose).</summary>
    public static bool CappedByUs { get; private set; }

    /// <summary>True when this process lifted our cap (<see cref="Lift"/>).</summary>
    public static bool LiftedByUs { get; private set; }

#pragma warning disable CA2255 // a library-level initializer is the point: it must run before any torch code in any host
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux()) return;
        // A value with our marker was set by a cremi process this one descends from (a relaunch, a spawned worker):
        // still ours, so the cap is set again. Without the marker it is the user's choice and stays.
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } && Environment.GetEnvironmentVariable(OwnerMarker) != "1") return;
        CappedByUs = NativeEnvironment.Set(Variable, "AVX") && NativeEnvironment.Set(OwnerMarker, "1");
    }

    /// <summary>Lifts our cap (not a user's) so that oneDNN picks the machine's best kernels.</summary>
    public static void Lift()
    {
        if (CappedByUs && NativeEnvironment.Set(Variable, "ALL")) (CappedByUs, LiftedByUs) = (false, true);
    }
}
