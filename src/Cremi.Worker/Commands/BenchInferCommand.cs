using System.ComponentModel;
using Cremi.Core.Synthesis;
using Cremi.Core.Volumes;
using Cremi.Hdf5;
using Cremi.Learning.Devices;
using Cremi.Learning.Inference;
using Cremi.Learning.Models;
using Cremi.Worker.Benchmarks;
using Cremi.Worker.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;
using static TorchSharp.torch;

namespace Cremi.Worker.Commands;

/// <summary>
/// `cremi bench infer`: `generate` of a fixed network on a fixed synthetic volume. The weights are random from a fixed
/// seed: speed does not depend on their values (no data-dependent work in these networks). Also measures this
/// machine's conv3d peak in the same process, so the fraction reached is like for like.
/// </summary>
public sealed class BenchInferCommand(IAnsiConsole console) : Command<BenchInferCommand.Settings>
{
    public sealed class Settings : BenchSettings
    {
        [CommandOption("--shape <Z,Y,X>")]
        [Description("Synthetic volume. Default: 32,512,512 (a full 125,1250,1250 sample takes many minutes on a CPU).")]
        [DefaultValue("32,512,512")]
        public string Shape { get; init; } = "32,512,512";

        [CommandOption("--arch <ARCH>")]
        [Description("unet (ours, default spec) or seed (the Python tool's network).")]
        [DefaultValue("unet")]
        public string Arch { get; init; } = "unet";

        [CommandOption("--filters <N>")]
        [Description("Base filters. Default: 16 for unet, 64 for seed.")]
        public int? Filters { get; init; }

        [CommandOption("--naive")]
        [Description("The Python tool's generation: stride = window, batch 1, no blending, per-window min/max.")]
        public bool Naive { get; init; }

        [CommandOption("--batch <N>")]
        [DefaultValue(2)]
        public int Batch { get; init; } = 2;

        [CommandOption("--window <Z,Y,X>")]
        [Description("Default: 16,128,128 for unet, 32,64,64 for seed.")]
        public string? Window { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var shape = Shape3.Parse(settings.Shape);
        var seed = settings.Arch.Equals("seed", StringComparison.OrdinalIgnoreCase);
        var spec = seed ? ModelSpec.Seed(settings.Filters ?? 64) : ModelSpec.Unet(settings.Filters ?? 16);
        var window = settings.Window is null ? (seed ? InferenceModel.SeedWindow : new Shape3(16, 128, 128)) : Shape3.Parse(settings.Window);
        spec.ValidateWindow(window);
        var device = ComputeDevice.Resolve("auto");
        var folder = Directory.CreateTempSubdirectory("cremi-bench-infer-").FullName;
        try
        {
            var dataPath = Path.Combine(folder, "data.hdf");
            SyntheticFile.Write(dataPath, new SyntheticEmOptions(shape, settings.Seed), cancellationToken: cancellationToken);
            manual_seed(settings.Seed);
            using var model = new InferenceModel
            {
                Module = spec.Build().to(device), Spec = spec, Preprocessing = "seed", Window = window,
                Threshold = settings.Naive ? InferenceModel.SeedThreshold : 0.5,
            };
            var windows = new SlidingWindowOptions { Window = window, BatchSize = settings.Naive ? 1 : settings.Batch };
            var request = new GenerationRequest(dataPath, Path.Combine(folder, "mask.hdf"), windows,
                new CleftLabelling(model.Threshold), settings.Naive, new Dictionary<string, string> { ["command"] = "bench infer" });
            var windowModel = model.ToWindowModel(device);
            var generation = new MaskGeneration(model, windowModel);
            long windowCount = 0;
            GenerationResult? result = null;
            var faultsBefore = ResourceMeter.MinorPageFaults();
            using (var data = CremiFile.Open(dataPath))
            {
                void Generate() => result = generation.Run(data, request, n => windowCount += n, cancellationToken);
                // No status line with --json: without a terminal Spectre prints it as plain text ahead of the document.
                if (settings.Json) Generate();
                else console.Status().Start("generating", _ => Generate());
            }
            var r = result!;
            var faults = ResourceMeter.MinorPageFaults() - faultsBefore;
            var peak = Conv3dPeak.Measure(device);
            var flopsPerVoxel = ModelFlops.PerVoxel(spec);
            var networkVoxels = (double)windowCount * window.Count; // overlap makes the network see voxels more than once
            var networkFlops = flopsPerVoxel * networkVoxels;
            var achieved = networkFlops / r.PredictSeconds;
            new BenchReport("infer")
                .Add("arch", seed ? "seed" : "unet").Add("filters", spec.Filters).Add("mode", settings.Naive ? "naive" : "sliding-window")
                .Add("weights", "random, fixed seed").Add("shape", shape.ToString()).Add("window", window.ToString())
                .Add("windows", windowCount).Add("device", ComputeDevice.Describe(device))
                .Add("onednn_max_cpu_isa", CpuKernels.Description)
                .Add("predict_s", Math.Round(r.PredictSeconds, 2)).Add("total_s", Math.Round(r.TotalSeconds, 2))
                .Add("voxels_per_s", Math.Round(shape.Count / r.PredictSeconds), $"{shape.Count / r.PredictSeconds / 1e3:N1} k/s (prediction stage)")
                .Add("voxels_per_s_total", Math.Round(shape.Count / r.TotalSeconds), $"{shape.Count / r.TotalSeconds / 1e3:N1} k/s (incl. I/O, labels)")
                .Add("flops_per_voxel", Math.Round(flopsPerVoxel), $"{flopsPerVoxel / 1e3:N1} kFLOP per window voxel")
                .Add("network_voxels_per_volume_voxel", Math.Round(networkVoxels / shape.Count, 3))
                .Add("achieved_gflops", Math.Round(achieved / 1e9, 2)).Add("conv3d_peak_gflops", Math.Round(peak / 1e9, 2))
                .Add("fraction_of_peak", Math.Round(achieved / peak, 3))
                // Where the rest goes: the network's own share of the prediction stage (reading, preprocessing, window
                // copies, blending and writing are the remainder) and the fraction of the peak inside the network.
                .Add("network_s", Math.Round(windowModel.NetworkTime.TotalSeconds, 2),
                    $"{windowModel.NetworkTime.TotalSeconds:F2} s ({windowModel.NetworkTime.TotalSeconds / r.PredictSeconds:P0} of the prediction stage)")
                .Add("network_fraction_of_peak", Math.Round(networkFlops / windowModel.NetworkTime.TotalSeconds / peak, 3))
                .Add("peak_rss_bytes", ResourceMeter.PeakRssBytes(), BenchReport.Megabytes(ResourceMeter.PeakRssBytes()))
                .Add("malloc", MallocTuning.Description)
                .Add("minor_page_faults_per_window", Math.Round((double)faults / Math.Max(1, windowCount)),
                    $"{(double)faults / Math.Max(1, windowCount):N0} (generation, I/O and labelling included)")
                .Write(console, settings.Json);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
