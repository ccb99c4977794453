using System.ComponentModel;
using System.Diagnostics;
using Cremi.Core.Augmentation;
using Cremi.Core.Preprocessing;
using Cremi.Core.Synthesis;
using Cremi.Core.Volumes;
using Cremi.Learning.Devices;
using Cremi.Learning.Losses;
using Cremi.Learning.Models;
using Cremi.Learning.Training;
using Cremi.Worker.Benchmarks;
using Cremi.Worker.Workflows;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cremi.Worker.Commands;

/// <summary>
/// `cremi bench train`: training throughput (samples/s, voxels/s) of a fixed network and batch through the real
/// trainer (prefetching loader, augmentation, AdamW, loss), and memory: peak RSS, and RSS at step 50 against the
/// last step, which must stay within 10 % (every tensor of a step disposed).
/// </summary>
public sealed class BenchTrainCommand(IAnsiConsole console) : Command<BenchTrainCommand.Settings>
{
    public sealed class Settings : BenchSettings
    {
        [CommandOption("--shape <Z,Y,X>")]
        [Description("Size of the synthetic training volume.")]
        [DefaultValue("32,256,256")]
        public string Shape { get; init; } = "32,256,256";

        [CommandOption("--arch <ARCH>")]
        [Description("unet or seed.")]
        [DefaultValue("unet")]
        public string Arch { get; init; } = "unet";

        [CommandOption("--filters <N>")]
        [DefaultValue(8)]
        public int Filters { get; init; } = 8;

        [CommandOption("--window <Z,Y,X>")]
        [DefaultValue("8,128,128")]
        public string Window { get; init; } = "8,128,128";

        [CommandOption("--batch <N>")]
        [DefaultValue(2)]
        public int Batch { get; init; } = 2;

        [CommandOption("--precision <P>")]
        [Description("auto (fp32), fp32 or bf16 (mixed precision).")]
        [DefaultValue("auto")]
        public string Precision { get; init; } = "auto";

        [CommandOption("--steps <N>")]
        [Description("Optimizer steps measured (the first 5 are warm-up and not timed).")]
        [DefaultValue(100)]
        public int Steps { get; init; } = 100;

        public override Spectre.Console.ValidationResult Validate() => Steps < 10
            ? Spectre.Console.ValidationResult.Error("--steps must be at least 10 (5 warm-up steps are not timed)")
            : Spectre.Console.ValidationResult.Success();
    }

    private const int WarmupSteps = 5;
    private const int EarlyRssStep = 50;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var shape = Shape3.Parse(settings.Shape);
        var window = Shape3.Parse(settings.Window);
        var spec = settings.Arch.Equals("seed", StringComparison.OrdinalIgnoreCase)
            ? ModelSpec.Seed(settings.Filters)
            : ModelSpec.Unet(settings.Filters);
        spec.ValidateWindow(window);
        var folder = Directory.CreateTempSubdirectory("cremi-bench-train-").FullName;
        try
        {
            var dataPath = Path.Combine(folder, "data.hdf");
            SyntheticFile.Write(dataPath, new SyntheticEmOptions(shape, settings.Seed), cancellationToken: cancellationToken);
            var preprocessing = PreprocessingSpec.Parse("meanstd");
            var volume = TrainingData.Load(dataPath, preprocessing);
            var options = new TrainingOptions
            {
                Window = window, BatchSize = settings.Batch, StepsPerEpoch = settings.Steps, Epochs = 1, Seed = settings.Seed,
                Loss = new LossSpec(Bce: 1, Dice: 1, Iou: 0, PosWeight: 5), Augmentation = AugmentationOptions.Parse("flip,rot90,intensity"),
                ValidationWindows = 1, Patience = 0, Precision = TrainingPrecisions.Parse(settings.Precision),
            };
            var meter = new StepMeter();
            new Trainer(meter).Run([volume], [volume], spec, options, preprocessing.ToString(), Path.Combine(folder, "run"),
                cancellationToken: cancellationToken);

            var timed = meter.StepSeconds.Skip(WarmupSteps).ToArray();
            var stepSeconds = timed.Sum() / timed.Length;
            var samples = settings.Batch / stepSeconds;
            var earlyStep = Math.Min(EarlyRssStep, settings.Steps);
            var (early, last) = (meter.At(earlyStep), meter.At(settings.Steps));
            var (rssEarly, rssLast) = (early.Rss, last.Rss);
            string EveryEarlyStep(Func<StepMeter.Sample, long> bytes) => string.Join(' ',
                Enumerable.Range(1, settings.Steps / EarlyRssStep).Select(k => bytes(meter.At(k * EarlyRssStep)) >> 20));
            var faultsPerStep = (double)(last.MinorFaults - meter.At(WarmupSteps).MinorFaults) / Math.Max(1, settings.Steps - WarmupSteps);
            new BenchReport("train")
                .Add("arch", spec.Arch.ToString().ToLowerInvariant()).Add("filters", spec.Filters).Add("parameters", spec.ParameterCount())
                .Add("window", window.ToString()).Add("batch", settings.Batch).Add("steps", settings.Steps)
                .Add("device", meter.Device).Add("onednn_max_cpu_isa", CpuKernels.Description)
                .Add("step_s", Math.Round(stepSeconds, 4), $"{stepSeconds:F3} s (mean of steps {WarmupSteps + 1}..{settings.Steps})")
                .Add("median_step_s", Math.Round(Median(timed), 4))
                .Add("samples_per_s", Math.Round(samples, 3), $"{samples:F2} windows/s")
                .Add("voxels_per_s", Math.Round(samples * window.Count), $"{samples * window.Count / 1e3:N1} k/s")
                .Add("rss_early_step", earlyStep)
                .Add("rss_early_bytes", rssEarly, $"{BenchReport.Megabytes(rssEarly)} after step {earlyStep}")
                .Add("rss_last_bytes", rssLast, $"{BenchReport.Megabytes(rssLast)} after step {settings.Steps}")
                .Add("rss_growth", Math.Round((double)rssLast / rssEarly - 1, 4), $"{100.0 * rssLast / rssEarly - 100:F1} %")
                .Add("peak_rss_early_bytes", early.PeakRss, $"{BenchReport.Megabytes(early.PeakRss)} peak by step {earlyStep}")
                .Add("peak_rss_bytes", last.PeakRss, $"{BenchReport.Megabytes(last.PeakRss)} peak by step {settings.Steps}")
                .Add("peak_rss_growth", Math.Round((double)last.PeakRss / early.PeakRss - 1, 4), $"{100.0 * last.PeakRss / early.PeakRss - 100:F1} % (goal: under 10 %)")
                // A leak of tensors shows as a growing count; a flat count with growing RSS is the allocators' doing.
                .Add("live_tensors", $"{early.LiveTensors} -> {last.LiveTensors}", $"{early.LiveTensors} after step {earlyStep}, {last.LiveTensors} after step {settings.Steps}")
                .Add("managed_heap", $"{early.ManagedBytes} -> {last.ManagedBytes}", $"{BenchReport.Megabytes(early.ManagedBytes)} -> {BenchReport.Megabytes(last.ManagedBytes)}")
                .Add("gc_committed", $"{early.GcCommitted} -> {last.GcCommitted}", $"{BenchReport.Megabytes(early.GcCommitted)} -> {BenchReport.Megabytes(last.GcCommitted)}")
                // glibc's heap: in use by libtorch and the runtime, and held from the system (in use + free for reuse).
                .Add("native_heap_in_use", $"{early.NativeInUse} -> {last.NativeInUse}", $"{BenchReport.Megabytes(early.NativeInUse)} -> {BenchReport.Megabytes(last.NativeInUse)}")
                .Add("native_heap_held", $"{early.NativeHeld} -> {last.NativeHeld}", $"{BenchReport.Megabytes(early.NativeHeld)} -> {BenchReport.Megabytes(last.NativeHeld)}")
                // The trend tells a plateau (the allocator settling) from a creep (growth that a longer run would continue).
                .Add("rss_mib_every_50_steps", EveryEarlyStep(s => s.Rss))
                .Add("native_held_mib_every_50_steps", EveryEarlyStep(s => s.NativeHeld))
                .Add("malloc", MallocTuning.Description)
                .Add("minor_page_faults_per_step", Math.Round(faultsPerStep), $"{faultsPerStep:N0} from step {WarmupSteps} to {settings.Steps}")
                .Add("cores", Environment.ProcessorCount)
                .Write(console, settings.Json);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>Times each optimizer step (from the end of the previous one, so data waits count) and samples RSS.</summary>
    private sealed class StepMeter : ITrainingObserver
    {
        private readonly Stopwatch _clock = new();
        private readonly Dictionary<long, Sample> _samples = [];

        /// <summary>After one step: resident and peak-so-far memory, live TorchSharp tensors, managed heap, minor page
        /// faults so far, the GC's committed memory, and glibc's heap in use and held (0 where not glibc).</summary>
        public readonly record struct Sample(long Rss, long PeakRss, long LiveTensors, long ManagedBytes, long MinorFaults,
            long GcCommitted, long NativeInUse, long NativeHeld);

        public List<double> StepSeconds { get; } = [];
        public string Device { get; private set; } = "";

        public Sample At(long step) => _samples.GetValueOrDefault(step);

        public void OnStart(long firstStep, long totalSteps, string device, long parameters, TimeSpan? budget)
        {
            Device = device;
            _clock.Restart();
        }

        public void OnStep(long step, double loss, double learningRate)
        {
            StepSeconds.Add(_clock.Elapsed.TotalSeconds);
            var heap = MallocTuning.NativeHeap() ?? (0, 0);
            _samples[step] = new Sample(ResourceMeter.CurrentRssBytes(), ResourceMeter.PeakRssBytes(), TorchSharp.torch.Tensor.TotalCount,
                GC.GetTotalMemory(forceFullCollection: false), ResourceMeter.MinorPageFaults(),
                GC.GetGCMemoryInfo().TotalCommittedBytes, heap.InUse, heap.Held);
            _clock.Restart();
        }
    }
}
