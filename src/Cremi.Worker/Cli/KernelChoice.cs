using Cremi.Learning.Devices;

namespace Cremi.Worker.Cli;

/// <summary>
/// Lets the verbs that only run networks forward use oneDNN's fastest CPU kernels (see <see cref="CpuKernels"/>).
/// Decided in Main from the verb, before any torch call; in-process callers of <see cref="CremiApp"/> (tests, the
/// worker host, which also trains) keep the safe default.
/// </summary>
internal static class KernelChoice
{
    public static void ForCommandLine(string[] args)
    {
        if (IsInferenceOnly(args)) CpuKernels.UseFastestForInference();
    }

    internal static bool IsInferenceOnly(IReadOnlyList<string> args) => args.Count > 0 && args[0] switch
    {
        "generate" or "test" => true,
        "bench" => args.Count > 1 && args[1] == "infer",
        _ => false,
    };
}
