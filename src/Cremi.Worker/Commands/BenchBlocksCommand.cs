using System.ComponentModel;
using System.Diagnostics;
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
/// `cremi bench blocks`: the cost of splitting a generation into blocks. On one synthetic volume and one network
/// (random weights from a fixed seed), times the single run, then the block-wise run (every block, then the assembly)
/// with one worker and with two. The workers are processes (this command again, with --part), each with its own copy of
/// the network, taking blocks first come first served (a block is claimed by creating a file), writing cores into one
/// folder, as worker nodes take Quartz jobs; the database of a real cluster is left out (the cluster tests time that).
/// Processes, not threads: TorchSharp modules run from two threads of one process failed inside libtorch here.
/// </summary>
public sealed class BenchBlocksCommand(IAnsiConsole console) : Command<BenchBlocksCommand.Settings>
{
    public sealed class Settings : BenchSettings
    {
        [CommandOption("--shape <Z,Y,X>")]
        [DefaultValue("32,256,256")]
        public string Shape { get; init; } = "32,256,256";

        [CommandOption("--window <Z,Y,X>")]
        [DefaultValue("16,64,64")]
        public string Window { get; init; } = "16,64,64";

        [CommandOption("--filters <N>")]
        [DefaultValue(8)]
        public int Filters { get; init; } = 8;

        [CommandOption("--blocks <N>")]
        [Description("Split at volume voxels / N (Worker:BlockVoxels); the grid decides the exact count.")]
        [DefaultValue(8)]
        public int Blocks { get; init; } = 8;

        [CommandOption("--part <GRID>", IsHidden = true)]
        [Description("Internal: run as one worker on the blocks of GRID (its data.hdf beside it).")]
        public string? Part { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var shape = Shape3.Parse(settings.Shape);
        var window = Shape3.Parse(settings.Window);
        var spec = ModelSpec.Unet(settings.Filters);
        spec.ValidateWindow(window);
        var device = ComputeDevice.Resolve("auto");
        InferenceModel Model()
        {
            manual_seed(settings.Seed); // every worker's copy has the same weights
            return new InferenceModel { Module = spec.Build().to(device), Spec = spec, Preprocessing = "seed", Window = window, Threshold = 0.5 };
        }
        GenerationRequest Request(string dataPath, string output) => new(dataPath, output, new SlidingWindowOptions { Window = window },
            new CleftLabelling(0.5), false, new Dictionary<string, string> { ["command"] = "bench blocks" });
        if (settings.Part is { } part)
        {
            using var worker = Model();
            RunPart(new BlockFolder(part), worker, device, Request(Path.Combine(part, "..", "data.hdf"), ""), cancellationToken);
            return 0;
        }
        var folder = Directory.CreateTempSubdirectory("cremi-bench-blocks-").FullName;
        try
        {
            var dataPath = Path.Combine(folder, "data.hdf");
            SyntheticFile.Write(dataPath, new SyntheticEmOptions(shape, settings.Seed), cancellationToken: cancellationToken);
            var clock = Stopwatch.StartNew();
            GenerationResult single;
            using (var model = Model())
            using (var data = CremiFile.Open(dataPath))
                single = new MaskGeneration(model, model.ToWindowModel(device)).Run(data, Request(dataPath, Path.Combine(folder, "single.hdf")),
                    windowsDone: null, cancellationToken);
            var singleSeconds = clock.Elapsed.TotalSeconds;
            var plan = BlockwiseGeneration.Plan(shape, Request(dataPath, ""), Math.Max(1, shape.Count / settings.Blocks))
                       ?? throw new Cli.UserInputException($"--blocks {settings.Blocks}: the window grid of {shape} cannot be split");

            var report = new BenchReport("blocks").Add("shape", shape.ToString()).Add("window", window.ToString())
                .Add("filters", settings.Filters).Add("device", ComputeDevice.Describe(device)).Add("torch_threads", get_num_threads())
                .Add("blocks", plan.Blocks.Count).Add("single_s", Math.Round(singleSeconds, 2)).Add("single_windows", single.Windows);
            foreach (var workers in new[] { 1, 2 })
            {
                var (seconds, assembleSeconds, windows) = Blockwise(settings, dataPath, Request(dataPath, Path.Combine(folder, $"blocks-{workers}.hdf")),
                    plan, Path.Combine(folder, $"grid-{workers}"), workers, cancellationToken);
                report.Add($"workers_{workers}_s", Math.Round(seconds, 2), $"{seconds:F2} s, of which assembly {assembleSeconds:F2} s")
                    .Add($"workers_{workers}_vs_single", Math.Round(seconds / singleSeconds, 3));
                if (workers == 1) report.Add("blockwise_windows", windows, $"{windows} ({(double)windows / single.Windows:F2} x the single run's)");
            }
            report.Add("peak_rss_bytes", ResourceMeter.PeakRssBytes(), BenchReport.Megabytes(ResourceMeter.PeakRssBytes()))
                .Write(console, settings.Json);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Every block by <paramref name="workers"/> processes, then the assembly; (wall s, assembly s, windows predicted).
    /// The wall time includes the processes' start (about a second: .NET, libtorch, the network), as a node's first job does.</summary>
    private static (double Seconds, double AssembleSeconds, long Windows) Blockwise(Settings settings, string dataPath, GenerationRequest request,
        BlockPlan plan, string gridFolder, int workers, CancellationToken cancellationToken)
    {
        var grid = new BlockFolder(gridFolder);
        grid.Fix(plan);
        var clock = Stopwatch.StartNew();
        var processes = Enumerable.Range(0, workers).Select(_ => Process.Start(Self(
            "bench", "blocks", "--part", grid.Folder, "--shape", settings.Shape, "--window", settings.Window,
            "--filters", $"{settings.Filters}", "--seed", $"{settings.Seed}"))!).ToList();
        foreach (var process in processes)
        {
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"a bench worker exited with {process.ExitCode}");
        }
        var predicted = clock.Elapsed.TotalSeconds;
        GenerationResult result;
        using (var data = CremiFile.Open(dataPath)) result = BlockwiseGeneration.Assemble(data, request, plan, grid, cancellationToken);
        return (clock.Elapsed.TotalSeconds, clock.Elapsed.TotalSeconds - predicted, result.Windows);
    }

    /// <summary>One worker: claims blocks one at a time (the claim file's creation is atomic) and writes their cores.</summary>
    private static void RunPart(BlockFolder grid, InferenceModel model, Device device, GenerationRequest request, CancellationToken cancellationToken)
    {
        var blocks = new BlockwiseGeneration(model, model.ToWindowModel(device));
        using var data = CremiFile.Open(request.DataPath);
        foreach (var block in grid.ReadPlan().Blocks)
        {
            try
            {
                new FileStream(Path.Combine(grid.Folder, $"claim-{block.Index:D4}"), FileMode.CreateNew).Dispose();
            }
            catch (IOException)
            {
                continue; // the other worker has it
            }
            grid.Write(blocks.Predict(data, request, block, cancellationToken));
        }
    }

    /// <summary>This program again (the apphost, or `dotnet cremi.dll`).</summary>
    private static ProcessStartInfo Self(params string[] args)
    {
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(BenchBlocksCommand).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }
}
