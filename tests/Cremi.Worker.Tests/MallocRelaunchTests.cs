using System.Text.Json;

namespace Cremi.Worker.Tests;

/// <summary>
/// `cremi` relaunches itself once with glibc malloc settings in force from the start (Cli/MallocRelaunch), so that
/// libtorch's large tensors are reused rather than unmapped and faulted in again on every pass. Measured through the
/// real program: `bench infer` with the settings and with CREMI_MALLOC_TUNING=off, same network and volume.
/// </summary>
public sealed class MallocRelaunchTests
{
    // 16x128x384 with 16x128x128 windows at 50 % overlap: 5 windows in 3 batches of a 16-filter U-Net, whose
    // decoder concatenations (2 x 32 x 16x128x128 floats = 64 MiB) are above glibc's largest mmap threshold.
    // 15 windows (8 forward passes): enough passes that the settings' one-time faulting-in of the heap is amortised
    // (measured 14-17 k faults per window with them, 73-76 k without; with 5 windows 37-41 k against 70-79 k).
    private static readonly string[] Bench = ["bench", "infer", "--shape", "16,256,384", "--json"];

    [Fact]
    public async Task Inference_faults_its_tensors_in_once_instead_of_on_every_pass()
    {
        if (!OperatingSystem.IsLinux()) return;
        var tuned = Report(await CremiProcess.RunAsync(Bench));
        var plain = Report(await CremiProcess.RunAsync(new Dictionary<string, string> { ["CREMI_MALLOC_TUNING"] = "off" }, Bench));

        Assert.Contains("glibc.malloc.mmap_max=0", tuned.GetProperty("malloc").GetString());
        Assert.EndsWith("(from the start)", tuned.GetProperty("malloc").GetString());
        Assert.StartsWith("glibc defaults", plain.GetProperty("malloc").GetString());
        Assert.Equal("best available", tuned.GetProperty("onednn_max_cpu_isa").GetString());
        Assert.Equal(tuned.GetProperty("windows").GetInt64(), plain.GetProperty("windows").GetInt64());

        // Where the time went: the network's share of the prediction stage, and its own fraction of the peak.
        var network = tuned.GetProperty("network_s").GetDouble();
        Assert.InRange(network, 1e-3, tuned.GetProperty("predict_s").GetDouble());
        Assert.True(tuned.GetProperty("network_fraction_of_peak").GetDouble() >= tuned.GetProperty("fraction_of_peak").GetDouble());

        var (withTuning, without) = (Faults(tuned), Faults(plain));
        Assert.True(withTuning * 2 < without, $"minor page faults per window: {withTuning} with the settings, {without} without");
    }

    [Fact]
    public async Task A_relaunched_training_process_trains_with_the_best_kernels_after_the_gradient_check()
    {
        if (!OperatingSystem.IsLinux()) return;
        var report = Report(await CremiProcess.RunAsync("bench", "train", "--shape", "16,96,96", "--window", "8,64,64",
            "--filters", "4", "--steps", "10", "--json"));
        Assert.Equal("best available", report.GetProperty("onednn_max_cpu_isa").GetString());
        Assert.EndsWith("(from the start)", report.GetProperty("malloc").GetString());
    }

    private static JsonElement Report(CremiProcess run)
    {
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}\n{run.Errors}");
        return JsonDocument.Parse(run.Output).RootElement; // --json prints the document alone, nothing before it
    }

    private static double Faults(JsonElement report) => report.GetProperty("minor_page_faults_per_window").GetDouble();
}
